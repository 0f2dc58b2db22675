from django.core.management.base import BaseCommand

from home.newsletter import ensure_newsletter_page


class Command(BaseCommand):
    help = "Add the demo's newsletter form page below the home page."

    def handle(self, *args, **options):
        page = ensure_newsletter_page()
        self.stdout.write(f"Newsletter form page: {page.url_path} (id {page.pk})")
