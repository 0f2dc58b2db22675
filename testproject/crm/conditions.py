"""A condition type of the demo site: the sales team's lead score."""

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from wagtail_contactgroups.conditions import (
    CONTACT_FIELDS,
    Condition,
    ConditionError,
    Dependencies,
)


class LeadScoreCondition(Condition):
    """Contacts whose lead score is at least a given number."""

    name = "lead_score_at_least"
    label = _("Lead score at least")
    category = CONTACT_FIELDS
    description = _("Contacts the sales team scored at least this high (0–100).")
    icon = "pick"

    def get_parameter_blocks(self):
        return [
            (
                "minimum",
                blocks.IntegerBlock(
                    min_value=0, max_value=100, default=50, label=_("Minimum score")
                ),
            )
        ]

    def minimum(self, value) -> int:
        minimum = value.get("minimum")
        if minimum is None:
            raise ConditionError(gettext("Enter a minimum score."), "minimum")
        return int(minimum)

    def check(self, value):
        self.minimum(value)

    def get_q(self, value, context):
        return Q(lead_score__gte=self.minimum(value))

    def evaluate(self, contact, value, context):
        return contact.lead_score >= self.minimum(value)

    def get_dependencies(self, value):
        return Dependencies(fields=frozenset(["lead_score"]))

    def describe(self, value):
        return gettext("Lead score is at least %(minimum)s") % {
            "minimum": value.get("minimum")
        }

    def explain(self, contact, value, context):
        return gettext("Lead score: %(score)s") % {"score": contact.lead_score}
