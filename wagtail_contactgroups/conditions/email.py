"""The email domain condition."""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from .base import CONTACT_FIELDS, Condition, ConditionError, Dependencies
from .field_operators import NOTHING
from .values import check_list_size, fold_case, split_list

_DOMAIN = re.compile(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*"
    r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)


class EmailDomainCondition(Condition):
    """Tests the part of the email address after the ``@``."""

    name = "email_domain"
    label = _("Email domain")
    category = CONTACT_FIELDS
    description = _("Whether the email address belongs to one of the given domains.")
    icon = "mail"

    def get_parameter_blocks(self):
        return [
            (
                "operator",
                blocks.ChoiceBlock(
                    choices=[("in", _("is one of")), ("not_in", _("is none of"))],
                    default="in",
                    label=_("Operator"),
                ),
            ),
            (
                "domains",
                blocks.CharBlock(
                    max_length=20000,
                    label=_("Domains"),
                    help_text=_("For example: example.com, example.org"),
                ),
            ),
        ]

    def parse(self, value) -> tuple[str, list[str]]:
        operator = value.get("operator")
        if operator not in ("in", "not_in"):
            raise ConditionError(
                gettext("Choose “is one of” or “is none of”."), "operator"
            )
        entered = split_list(value.get("domains"))
        if not entered:
            raise ConditionError(gettext("Enter at least one domain."), "domains")
        message = check_list_size(entered)
        if message:
            raise ConditionError(message, "domains")
        domains = []
        for item in entered:
            # One leading "@" is allowed, as in "@example.com".
            domain = item.removeprefix("@").lower()
            if not _DOMAIN.match(domain):
                raise ConditionError(
                    gettext(
                        "“%(domain)s” is not a domain name. Enter names like "
                        "example.com, without spaces."
                    )
                    % {"domain": item},
                    "domains",
                )
            domains.append(domain)
        return operator, list(dict.fromkeys(domains))

    def get_dependencies(self, value):
        return Dependencies(fields=frozenset(["email"]))

    def get_q(self, value, context):
        operator, domains = self.parse(value)
        matches = NOTHING
        for domain in domains:
            matches |= Q(email__iendswith=f"@{domain}")
        return matches if operator == "in" else ~matches

    def evaluate(self, contact, value, context):
        operator, domains = self.parse(value)
        email = fold_case(contact.email or "")
        found = any(email.endswith(fold_case(f"@{domain}")) for domain in domains)
        return found if operator == "in" else not found

    def describe(self, value):
        try:
            operator, domains = self.parse(value)
        except ConditionError as error:
            return error.args[0]
        verb = gettext("is one of") if operator == "in" else gettext("is none of")
        return gettext("Email domain %(verb)s %(domains)s") % {
            "verb": verb,
            "domains": ", ".join(domains),
        }

    def explain(self, contact, value, context):
        return gettext("Email: %(email)s") % {
            "email": contact.email or gettext("(empty)")
        }
