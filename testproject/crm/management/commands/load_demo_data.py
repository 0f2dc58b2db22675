"""Load demo contacts and example contact groups into the demo site."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from taggit.models import Tag
from wagtail.models import Page, Site

from crm.demo_data import create_contacts, create_form_submissions, create_groups
from home.models import HomePage
from home.newsletter import ensure_newsletter_page
from wagtail_contactgroups.conf import get_contact_model
from wagtail_contactgroups.engine.recalculate import recalculate_groups
from wagtail_contactgroups.models import ContactGroup


class Command(BaseCommand):
    help = (
        "Load demo contacts and example contact groups, then recalculate the "
        "groups. Does nothing when contacts exist, unless --refresh is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--contacts", type=int, default=10_000, help="Number of contacts."
        )
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="Delete all contacts and contact groups first, then load anew.",
        )
        parser.add_argument(
            "--seed", type=int, default=2024, help="Seed of the random data."
        )

    def handle(self, *args, contacts, refresh, seed, **options):
        if contacts < 1:
            raise CommandError(f"--contacts must be at least 1, not {contacts}.")
        model = get_contact_model()
        self._ensure_site()
        newsletter_page = ensure_newsletter_page()
        existing = model.objects.count()
        if existing and not refresh:
            self.stdout.write(
                f"Demo data already loaded ({existing} contacts); skipped. Pass "
                "--refresh to replace it."
            )
            return

        started = time.monotonic()
        with transaction.atomic():
            if refresh:
                ContactGroup.objects.all().delete()
                model.objects.all().delete()
                Tag.objects.filter(taggit_taggeditem_items__isnull=True).delete()
            create_contacts(model, contacts, seed=seed)
            create_form_submissions(model, newsletter_page, seed=seed)
            groups = create_groups(ContactGroup, newsletter_page)
        failures: dict[int, str] = {}
        # bulk_create skips the save receivers, so fill every group here.
        results = recalculate_groups(None, failures=failures)
        for result in results:
            name = ContactGroup.objects.get(pk=result.group_id).name
            self.stdout.write(f"{name}: {result.member_count} members")
        if failures:
            raise CommandError(f"Recalculating demo groups failed: {failures}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {contacts} contacts and {len(groups)} groups in "
                f"{time.monotonic() - started:.1f} s."
            )
        )

    def _ensure_site(self) -> None:
        """Create a home page and a default site if the page tree has none."""
        if Site.objects.exists():
            return
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(
                instance=HomePage(title="Contact groups demo", slug="home")
            )
        Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True
        )
        self.stdout.write("Created the default site.")
