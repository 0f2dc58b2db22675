from django.core.management.base import BaseCommand

from ...scheduling import sync_all_schedules


class Command(BaseCommand):
    help = (
        "Rebuild the django-q2 schedules of the nightly contact group "
        "recalculations from the groups: one per group with the schedule "
        "enabled, none for the others. Safe to run any number of times."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database", default="default", help="Database alias of the groups."
        )

    def handle(self, *args, **options):
        report = sync_all_schedules(using=options["database"])
        self.stdout.write(
            f"Contact group schedules: {report.created} created, "
            f"{report.updated} updated, {report.deleted} deleted, "
            f"{report.unchanged} unchanged."
        )
