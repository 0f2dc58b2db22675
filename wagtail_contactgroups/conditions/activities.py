"""Conditions on what contacts did: visited pages, submitted forms, activities.

Each condition counts the contact's activities that pass a filter (a page, a
form, a type) within a period, compares the count with a number, and can be
negated. In SQL the activities are aggregated first and the result is joined
with ``pk IN (SELECT contact_id ... GROUP BY contact_id HAVING COUNT(*) ...)``:
a correlated count per contact is hundreds of times slower. Counts that
include zero ("at most 2 times", "exactly 0 times") are written as the
complement of a positive count, so that contacts without any activity match.
"""

from __future__ import annotations

from django.db.models import Count, Q, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from ..activities import FORM_SUBMITTED, PAGE_VISITED, activity_types
from .base import (
    ACTIVITIES,
    Condition,
    ConditionContext,
    ConditionError,
    Dependencies,
    period_start,
)

# Matches every contact / no contact: a primary key is never NULL.
EVERYONE = Q(pk__isnull=False)
NOTHING = Q(pk__isnull=True)

NEGATIONS = [("has", _("has")), ("has_not", _("has not"))]
OPERATORS = [
    ("at_least", _("at least")),
    ("at_most", _("at most")),
    ("exactly", _("exactly")),
]
PERIODS = [("ever", _("ever")), ("last_days", _("in the last N days"))]
MAX_COUNT = 1_000_000
MAX_DAYS = 36500

__all__ = [
    "ActivityCountCondition",
    "PerformedActivityCondition",
    "SubmittedFormCondition",
    "VisitedPageCondition",
    "period_start",
]


class ActivityCountCondition(Condition):
    """Base of conditions that count a contact's activities of some kind.

    Subclasses give the parameters that pick the activities
    (:meth:`get_subject_blocks`), the activity type they read
    (:meth:`activity_type`), the filter on ``ContactActivity``
    (:meth:`activity_filter`) and the same test in Python (:meth:`selects`).
    """

    category = ACTIVITIES
    icon = "history"

    def get_subject_blocks(self) -> list[tuple[str, blocks.Block]]:
        """Return the parameters that choose which activities are counted."""
        return []

    def activity_type(self, value) -> str:
        """Return the name of the activity type this condition counts."""
        raise NotImplementedError

    def activity_filter(self, value, context: ConditionContext) -> Q:
        """Return a filter on ``ContactActivity`` beyond type and period."""
        return Q()

    def selects(self, row, value, context: ConditionContext, prepared) -> bool:
        """Return whether the activity ``row`` passes :meth:`activity_filter`."""
        return True

    def prepare(self, value, context: ConditionContext):
        """Return data that :meth:`selects` needs, read once per evaluation."""
        return None

    def get_parameter_blocks(self):
        return [
            (
                "negation",
                blocks.ChoiceBlock(
                    choices=NEGATIONS, default="has", label=_("Has / has not")
                ),
            ),
            *self.get_subject_blocks(),
            (
                "operator",
                blocks.ChoiceBlock(
                    choices=OPERATORS, default="at_least", label=_("How often")
                ),
            ),
            (
                "count",
                blocks.IntegerBlock(
                    default=1,
                    min_value=0,
                    max_value=MAX_COUNT,
                    label=_("Times"),
                ),
            ),
            (
                "period",
                blocks.ChoiceBlock(choices=PERIODS, default="ever", label=_("When")),
            ),
            (
                "days",
                blocks.IntegerBlock(
                    required=False,
                    min_value=1,
                    max_value=MAX_DAYS,
                    label=_("Days"),
                    help_text=_("Only for “in the last N days”."),
                ),
            ),
        ]

    def parse(self, value) -> tuple[bool, str, int, int | None]:
        """Return ``(negated, operator, count, days)`` or raise ``ConditionError``.

        ``days`` is ``None`` for "ever". The error's ``args[1]`` names the
        parameter at fault.
        """
        negation = value.get("negation") or "has"
        if negation not in dict(NEGATIONS):
            raise ConditionError(gettext("Choose “has” or “has not”."), "negation")
        operator = value.get("operator")
        if operator not in dict(OPERATORS):
            raise ConditionError(
                gettext("Choose at least, at most or exactly."), "operator"
            )
        count = value.get("count")
        if count is None or not 0 <= int(count) <= MAX_COUNT:
            raise ConditionError(
                gettext("Enter a number of times from 0 to %(max)s.")
                % {"max": MAX_COUNT},
                "count",
            )
        period = value.get("period") or "ever"
        if period not in dict(PERIODS):
            raise ConditionError(gettext("Choose a period."), "period")
        days = value.get("days")
        if period == "ever":
            days = None
        elif days is None or not 1 <= int(days) <= MAX_DAYS:
            raise ConditionError(
                gettext("Enter a number of days from 1 to %(max)s.")
                % {"max": MAX_DAYS},
                "days",
            )
        return negation == "has_not", operator, int(count), days

    def check_subject(self, value) -> None:
        """Raise ``ConditionError`` when the chosen page, form or type is invalid."""

    def check(self, value):
        self.parse(value)
        self.check_subject(value)

    def get_dependencies(self, value):
        try:
            _negated, _operator, _count, days = self.parse(value)
            activity_type = self.activity_type(value)
        except ConditionError:
            return Dependencies()
        return Dependencies(
            activity_types=frozenset([activity_type]),
            time_relative=days is not None,
        )

    # SQL

    def _counted(self, value, context, days) -> Q:
        result = Q(activity_type=self.activity_type(value))
        result &= self.activity_filter(value, context)
        if days is not None:
            result &= Q(occurred_at__gte=context.period_start(days))
        return result

    def _count_is(self, activities: Q, lookup: str, number: int, context) -> Q:
        from ..models import ContactActivity

        # During a contact save only that contact's rows are aggregated.
        contact_ids = (
            ContactActivity.objects.filter(activities, context.evaluated_contacts())
            .order_by()
            .values("contact_id")
            .annotate(times=Count("pk"))
            .filter(**{f"times__{lookup}": number})
            .values("contact_id")
        )
        return Q(pk__in=contact_ids)

    def get_q(self, value, context):
        negated, operator, count, days = self.parse(value)
        self.check_subject(value)
        activities = self._counted(value, context, days)
        if operator == "at_least":
            result = (
                EVERYONE
                if count == 0
                else self._count_is(activities, "gte", count, context)
            )
        elif operator == "at_most":
            result = ~self._count_is(activities, "gte", count + 1, context)
        elif count == 0:
            result = ~self._count_is(activities, "gte", 1, context)
        else:
            result = self._count_is(activities, "exact", count, context)
        if negated:
            return NOTHING if result is EVERYONE else ~result
        return result

    # Python

    def count(self, contact, value, context: ConditionContext) -> int:
        """Return how many of the contact's activities this condition counts."""
        _negated, _operator, _count, days = self.parse(value)
        self.check_subject(value)
        activity_type = self.activity_type(value)
        start = context.period_start(days) if days is not None else None
        prepared = self.prepare(value, context)
        return sum(
            1
            for row in context.activities_of(contact)
            if row.activity_type == activity_type
            and (start is None or row.occurred_at >= start)
            and self.selects(row, value, context, prepared)
        )

    def evaluate(self, contact, value, context):
        negated, operator, count, _days = self.parse(value)
        times = self.count(contact, value, context)
        if operator == "at_least":
            result = times >= count
        elif operator == "at_most":
            result = times <= count
        else:
            result = times == count
        return result != negated

    def describe(self, value):
        try:
            negated, operator, count, days = self.parse(value)
            subject = self.describe_subject(value)
        except ConditionError as error:
            return error.args[0]
        text = gettext("%(has)s %(subject)s %(operator)s %(count)s times") % {
            "has": dict(NEGATIONS)[("has_not" if negated else "has")],
            "subject": subject,
            "operator": dict(OPERATORS)[operator],
            "count": count,
        }
        if days is None:
            return text
        return gettext("%(text)s in the last %(days)s days") % {
            "text": text,
            "days": days,
        }

    def describe_subject(self, value) -> str:
        """Return a few words naming what is counted, e.g. "visited Home"."""
        return str(self.label)

    def explain(self, contact, value, context):
        try:
            times = self.count(contact, value, context)
        except ConditionError as error:
            return error.args[0]
        return gettext("Counted %(times)s times") % {"times": times}


def _chosen_page(value, parameter: str):
    # NOTE: contact saves reuse SQL compiled before a page was deleted (it then
    # matches no visit) until a group changes; a recalculation reports the error.
    page = value.get(parameter)
    if page is None and parameter == "form":
        raise ConditionError(
            gettext(
                "The form chosen in this condition does not exist (any more) or "
                "is not a form page. Choose another form page."
            ),
            parameter,
        )
    if page is None:
        raise ConditionError(
            gettext(
                "The page chosen in this condition does not exist (any more). "
                "Choose another page."
            ),
            parameter,
        )
    return page


class VisitedPageCondition(ActivityCountCondition):
    """Counts visits of a page, or of a page and the pages below it."""

    name = "visited_page"
    label = _("Visited page")
    description = _("How often the contact visited a page, optionally with subpages.")
    icon = "doc-empty"

    def get_subject_blocks(self):
        return [
            ("page", blocks.PageChooserBlock(label=_("Page"))),
            (
                "include_descendants",
                blocks.BooleanBlock(
                    required=False,
                    default=False,
                    label=_("Include subpages"),
                    help_text=_("Count visits of the pages below this page too."),
                ),
            ),
        ]

    def activity_type(self, value):
        return PAGE_VISITED.name

    def check_subject(self, value):
        _chosen_page(value, "page")

    def activity_filter(self, value, context):
        from wagtail.models import Page

        page = _chosen_page(value, "page")
        if not value.get("include_descendants"):
            return Q(page_id=page.pk)
        # The path is read in SQL, so a page moved after the condition was
        # saved still counts the visits of its current subpages.
        path = Page.objects.filter(pk=page.pk).values("path")[:1]
        subtree = Page.objects.filter(path__startswith=Subquery(path)).values("pk")
        return Q(page_id__in=subtree)

    def prepare(self, value, context):
        from wagtail.models import Page

        if not value.get("include_descendants"):
            return None
        page = _chosen_page(value, "page")
        pages = Page.objects.using(context.using).filter(pk=page.pk)
        return pages.values_list("path", flat=True).first()

    def selects(self, row, value, context, prepared):
        if not value.get("include_descendants"):
            return row.page_id == value["page"].pk
        return (
            prepared is not None
            and row.page_path is not None
            and row.page_path.startswith(prepared)
        )

    def describe_subject(self, value):
        page = _chosen_page(value, "page")
        if value.get("include_descendants"):
            return gettext("visited “%(page)s” or its subpages") % {"page": page.title}
        return gettext("visited “%(page)s”") % {"page": page.title}


def form_page_models() -> list:
    """Return the page models built on ``wagtail.contrib.forms``' form mixin."""
    from wagtail.contrib.forms.models import FormMixin
    from wagtail.models import get_page_models

    return [model for model in get_page_models() if issubclass(model, FormMixin)]


class SubmittedFormCondition(ActivityCountCondition):
    """Counts submissions of a form page."""

    name = "submitted_form"
    label = _("Submitted form")
    description = _("How often the contact submitted a form page.")
    icon = "form"

    def get_subject_blocks(self):
        return [
            (
                "form",
                blocks.PageChooserBlock(page_type=form_page_models(), label=_("Form")),
            )
        ]

    def activity_type(self, value):
        return FORM_SUBMITTED.name

    def check_subject(self, value):
        from wagtail.contrib.forms.models import FormMixin

        page = _chosen_page(value, "form")
        if not issubclass(page.specific_class or type(page), FormMixin):
            raise ConditionError(
                gettext("“%(page)s” is not a form page. Choose a form page.")
                % {"page": page.title},
                "form",
            )

    def activity_filter(self, value, context):
        return Q(page_id=_chosen_page(value, "form").pk)

    def selects(self, row, value, context, prepared):
        return row.page_id == value["form"].pk

    def describe_subject(self, value):
        return gettext("submitted “%(form)s”") % {
            "form": _chosen_page(value, "form").title
        }


class PerformedActivityCondition(ActivityCountCondition):
    """Counts activities of one registered type, whatever the page."""

    name = "performed_activity"
    label = _("Performed activity")
    description = _("How often the contact did something, such as opening an email.")

    def get_subject_blocks(self):
        return [
            (
                "activity_type",
                blocks.ChoiceBlock(
                    choices=activity_types.choices, label=_("Activity type")
                ),
            )
        ]

    def activity_type(self, value):
        name = value.get("activity_type") or ""
        if activity_types.get(name) is None:
            raise ConditionError(
                gettext(
                    "The activity type “%(type)s” is not registered (any more). "
                    "Choose another activity type."
                )
                % {"type": name},
                "activity_type",
            )
        return name

    def check_subject(self, value):
        self.activity_type(value)

    def describe_subject(self, value):
        activity_type = activity_types.get(self.activity_type(value))
        return gettext("performed “%(type)s”") % {"type": activity_type.label}
