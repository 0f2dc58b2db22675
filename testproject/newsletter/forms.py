"""The newsletter edit form, which rejects an empty recipient selection."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm


def _chosen_groups(formset) -> list:
    groups = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if data.get("DELETE") or data.get("group") is None:
            continue
        groups.append(data["group"])
    return groups


class NewsletterForm(WagtailAdminModelForm):
    """Checks that the recipients are chosen explicitly before saving."""

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if not valid:
            return False
        everyone = self.cleaned_data.get("send_to_everyone")
        included = _chosen_groups(self.formsets["target_groups"])
        if not everyone and not included:
            self.add_error(
                "send_to_everyone",
                _(
                    "Choose at least one contact group to send to, or tick "
                    "“all contacts” to send to every contact."
                ),
            )
            return False
        if everyone and included:
            self.add_error(
                "send_to_everyone",
                _(
                    "“All contacts” cannot be combined with groups to send to. "
                    "Remove the groups or untick “all contacts”."
                ),
            )
            return False
        return self._check_overlap(set(included))

    def _check_overlap(self, included: set) -> bool:
        valid = True
        for form in self.formsets["excluded_groups"].forms:
            group = (getattr(form, "cleaned_data", None) or {}).get("group")
            if group in included and not form.cleaned_data.get("DELETE"):
                form.add_error(
                    "group",
                    _(
                        "“%(group)s” is also a group to send to. Remove it from "
                        "one of the two lists."
                    )
                    % {"group": group},
                )
                valid = False
        return valid
