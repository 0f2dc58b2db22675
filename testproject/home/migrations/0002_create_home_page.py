from django.db import migrations

WELCOME_PAGE_PATH = "00010001"


def create_home_page(apps, schema_editor):
    """Replace Wagtail's initial welcome page with the demo's home page."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("home", "HomePage")

    # wagtailcore's initial data creates a plain page at depth 2 with a
    # default site on it. Any other tree was built by someone on purpose.
    top_level = Page.objects.filter(depth=2)
    welcome = top_level.filter(
        path=WELCOME_PAGE_PATH, content_type__app_label="wagtailcore"
    ).first()
    if welcome is None or top_level.count() != 1:
        return

    locale_id = welcome.locale_id
    welcome.delete()

    content_type, _ = ContentType.objects.get_or_create(
        app_label="home", model="homepage"
    )
    home = HomePage.objects.create(
        title="Contact groups demo",
        draft_title="Contact groups demo",
        slug="home",
        path=WELCOME_PAGE_PATH,
        depth=2,
        numchild=0,
        url_path="/home/",
        content_type=content_type,
        locale_id=locale_id,
        intro="A Wagtail site whose contacts are segmented into contact groups.",
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )


def remove_home_page(apps, schema_editor):
    """Delete the demo home page; its site is deleted with it."""
    HomePage = apps.get_model("home", "HomePage")
    HomePage.objects.filter(depth=2, path=WELCOME_PAGE_PATH).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_home_page, remove_home_page),
    ]
