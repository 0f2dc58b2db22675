from django.core.management.base import BaseCommand, CommandError

from ...engine.recalculate import recalculate_groups
from ...models import ContactGroup


class Command(BaseCommand):
    help = (
        "Recalculate the membership of one contact group (by id or name) and the "
        "groups that depend on it, or of all groups."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "group",
            nargs="?",
            help="Id or exact name of the group; omit it when passing --all.",
        )
        parser.add_argument(
            "--all", action="store_true", help="Recalculate every contact group."
        )
        parser.add_argument(
            "--database", default="default", help="Database alias to use."
        )

    def handle(self, *args, group=None, **options):
        using = options["database"]
        if bool(group) == options["all"]:
            raise CommandError("Name one group (by id or name) or pass --all.")

        chosen = None if options["all"] else [self._find(group, using)]
        failures: dict[int, str] = {}
        results = recalculate_groups(chosen, using=using, failures=failures)

        names = dict(ContactGroup.objects.using(using).values_list("pk", "name"))
        for result in results:
            self.stdout.write(
                f"{names.get(result.group_id, result.group_id)}: "
                f"+{result.added} added, -{result.removed} removed, "
                f"{result.member_count} members ({result.seconds:.2f} s)"
            )
        for group_id, message in failures.items():
            self.stderr.write(f"{names.get(group_id, group_id)}: failed: {message}")
        if failures:
            raise CommandError(
                f"{len(failures)} group(s) failed to recalculate; see the messages "
                "above, fix their conditions in the admin and run the command again."
            )

    def _find(self, value: str, using: str) -> ContactGroup:
        groups = ContactGroup.objects.using(using)
        found = groups.filter(name=value).first()
        if found is None and value.isdigit():
            found = groups.filter(pk=int(value)).first()
        if found is None:
            raise CommandError(
                f"No contact group has the id or name “{value}”. Run the command "
                "with --all, or check the name in the admin."
            )
        return found
