"""Realistic, reproducible demo contacts and example contact groups."""

from __future__ import annotations

import datetime
import decimal
import random

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from taggit.models import Tag, TaggedItem

FIRST_NAMES = (
    "Anna Ben Clara David Emma Felix Greta Hannah Ilias Jonas Katharina Leon Mia "
    "Noah Olga Paul Quentin Rosa Sofia Tim Ursula Vincent Wiebke Xaver Yara Zoe "
    "Amelie Bruno Chiara Dario Elif Finn Giulia Hugo Ines Jakob Lina Marco Nora"
).split()
LAST_NAMES = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Hoffmann Schulz "
    "Koch Richter Klein Wolf Neumann Schwarz Braun Zimmermann Hartmann Krüger "
    "Dubois Martin Rossi Bianchi Smith Jones Nowak Kowalski Jansen de Vries"
).split()
COMPANIES = [
    "Nordlicht GmbH",
    "Alpenblick AG",
    "Rheinwerk Solutions",
    "Blue Harbor Ltd",
    "Kiefer & Söhne",
    "Datenfluss KG",
    "Helvetia Tools",
    "Donau Logistics",
    "Sonnenfeld Energie",
    "Bright Pixel Studio",
    "Maple Consulting",
    "Ostsee Foods",
]
JOB_TITLES = [
    "Software Engineer",
    "Marketing Manager",
    "Head of Sales",
    "Office Manager",
    "Data Engineer",
    "CEO",
    "Product Manager",
    "Accountant",
    "Designer",
    "Customer Success Manager",
    "Student",
    "Teacher",
]
CITIES = {
    "DE": ["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Freiburg"],
    "AT": ["Wien", "Graz", "Salzburg"],
    "CH": ["Zürich", "Basel", "Bern"],
    "FR": ["Paris", "Lyon", "Strasbourg"],
    "NL": ["Amsterdam", "Utrecht"],
    "IT": ["Milano", "Roma"],
    "GB": ["London", "Manchester"],
    "US": ["New York", "Austin"],
    "PL": ["Warszawa", "Kraków"],
}
COUNTRY_WEIGHTS = {"DE": 40, "AT": 8, "CH": 8, "FR": 8, "NL": 6, "IT": 5, "GB": 6}
COUNTRY_WEIGHTS |= {"US": 4, "PL": 4}
FREE_MAIL = ["gmail.com", "gmx.de", "web.de", "outlook.com", "yahoo.com"]
TAG_WEIGHTS = {
    "newsletter": 30,
    "customer": 20,
    "vip": 4,
    "prospect": 15,
    "event-2024": 8,
    "webinar": 8,
    "key-account": 3,
    "partner": 4,
}


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": ""})
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


def make_contact_data(rng: random.Random, now: datetime.datetime) -> dict:
    """Return the field values of one demo contact, partly empty on purpose."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    country = ""
    if rng.random() >= 0.15:
        country = rng.choices(list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values()))[0]
    company = rng.choice(COMPANIES) if rng.random() < 0.6 else ""
    if company and rng.random() < 0.7:
        domain = _slug(company.split()[0]) + rng.choice([".de", ".com", ".ch"])
    else:
        domain = rng.choice(FREE_MAIL)
    email = f"{_slug(first)}.{_slug(last)}{rng.randint(1, 9999)}@{domain}"
    birthday = None
    if rng.random() < 0.7:
        birthday = datetime.date(1950, 1, 1) + datetime.timedelta(
            days=rng.randint(0, 365 * 55)
        )
    revenue = None
    if company and rng.random() < 0.5:
        revenue = decimal.Decimal(rng.randint(10, 50_000)) * 1000
    return {
        "first_name": first if rng.random() > 0.03 else "",
        "last_name": last if rng.random() > 0.05 else "",
        "email": email if rng.random() > 0.04 else "",
        "phone": f"+49 {rng.randint(30, 999)} {rng.randint(100000, 9999999)}"
        if rng.random() < 0.4
        else "",
        "company": company,
        "job_title": rng.choice(JOB_TITLES) if rng.random() < 0.55 else "",
        "city": rng.choice(CITIES[country]) if country and rng.random() < 0.85 else "",
        "country": country,
        "birthday": birthday,
        "gender": rng.choice(["female", "male", "diverse", "", ""]),
        "subscribed": rng.random() < 0.55,
        "lead_score": max(0, min(100, int(rng.gauss(40, 25)))),
        "annual_revenue": revenue,
        "created_at": now - datetime.timedelta(seconds=rng.randint(0, 730 * 86400)),
    }


def pick_tags(rng: random.Random) -> list[str]:
    return [name for name, weight in TAG_WEIGHTS.items() if rng.random() < weight / 100]


def create_contacts(model, count: int, seed: int = 2024, batch_size: int = 2000):
    """Bulk-create ``count`` contacts with tags; about 1 % are merged."""
    rng = random.Random(seed)
    now = timezone.now()
    tags = {name: Tag.objects.get_or_create(name=name)[0] for name in TAG_WEIGHTS}
    content_type = ContentType.objects.get_for_model(model)
    created = 0
    while created < count:
        size = min(batch_size, count - created)
        rows = [model(**make_contact_data(rng, now)) for _ in range(size)]
        rows = model.objects.bulk_create(rows, batch_size=batch_size)
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(tag=tags[name], content_type=content_type, object_id=row.pk)
                for row in rows
                for name in pick_tags(rng)
            ],
            batch_size=batch_size,
        )
        created += size
    _merge_some(model, rng)


def _merge_some(model, rng: random.Random) -> None:
    ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
    merged = rng.sample(ids, max(1, len(ids) // 100))
    chosen = set(merged)
    parents = [pk for pk in ids if pk not in chosen]
    for pk in merged:
        model.objects.filter(pk=pk).update(merged_into_id=rng.choice(parents))


def _field(field, operator, value="", value_to="", days=None):
    return {
        "type": "contact_field",
        "value": {
            "field": field,
            "operator": operator,
            "value": value,
            "value_to": value_to,
            "days": days,
        },
    }


def _tags(operator, tags=""):
    return {"type": "tags", "value": {"operator": operator, "tags": tags}}


def _member(operator, *groups):
    value = {"operator": operator, "groups": [group.pk for group in groups]}
    return {"type": "group_membership", "value": value}


def _block(*conditions, match="all"):
    return {
        "type": "condition_group",
        "value": {"match": match, "conditions": list(conditions)},
    }


def create_form_submissions(model, page, share: float = 0.03, seed: int = 2024) -> int:
    """Record form submissions of ``page`` by a share of the active contacts.

    The submissions are spread over the last 60 days; returns their number.
    """
    from wagtail_contactgroups.activities import FORM_SUBMITTED
    from wagtail_contactgroups.models import ContactActivity

    rng = random.Random(seed)
    now = timezone.now()
    contact_ids = model.objects.active().values_list("pk", flat=True)
    activities = [
        ContactActivity(
            contact_id=contact_id,
            activity_type=FORM_SUBMITTED.name,
            page=page,
            occurred_at=now - datetime.timedelta(seconds=rng.randint(0, 60 * 86400)),
        )
        for contact_id in contact_ids.iterator()
        if rng.random() < share
    ]
    ContactActivity.objects.bulk_create(activities, batch_size=2000)
    return len(activities)


def create_groups(group_model, newsletter_page=None) -> list:
    """Create example groups that together use every built-in condition type.

    With ``newsletter_page``, also a group of the contacts who submitted that
    form page in the last 30 days.
    """

    def make(name, description, *blocks, match="all", nightly=False):
        return group_model.objects.create(
            name=name,
            description=description,
            match=match,
            conditions=list(blocks),
            schedule_enabled=nightly,
        )

    german = make(
        "German contacts", "Country is Germany.", _block(_field("country", "eq", "DE"))
    )
    hot = make(
        "Hot leads",
        "Subscribed contacts with a lead score of at least 70.",
        _block(_field("lead_score", "gte", "70"), _field("subscribed", "true")),
    )
    vip = make(
        "VIP and key accounts",
        "Tagged vip or key-account.",
        _block(_tags("any", "vip, key-account")),
    )
    activity_groups = []
    if newsletter_page is not None:
        activity_groups.append(
            make(
                "Newsletter sign-ups (30 days)",
                "Submitted the newsletter form in the last 30 days.",
                _block(
                    {
                        "type": "submitted_form",
                        "value": {
                            "negation": "has",
                            "form": newsletter_page.pk,
                            "operator": "at_least",
                            "count": 1,
                            "period": "last_days",
                            "days": 30,
                        },
                    }
                ),
                nightly=True,
            )
        )
    return [
        *activity_groups,
        german,
        hot,
        vip,
        make(
            "Outside Germany",
            "Country is not Germany, including contacts without a country.",
            _block(_field("country", "ne", "DE")),
        ),
        make(
            "New in the last 30 days",
            "Created in the last 30 days (server time zone).",
            _block(_field("created_at", "in_last_days", days=30)),
            nightly=True,
        ),
        make(
            "Born in the 1990s",
            "Birthday between 1990-01-01 and 1999-12-31.",
            _block(_field("birthday", "between", "1990-01-01", "1999-12-31")),
        ),
        make(
            "Business email",
            "Email domain is not a free mail provider.",
            _block(
                {
                    "type": "email_domain",
                    "value": {"operator": "not_in", "domains": ", ".join(FREE_MAIL)},
                },
                _field("email", "not_empty"),
            ),
        ),
        make(
            "Untagged contacts",
            "Contacts without any tag.",
            _block(_tags("untagged")),
        ),
        make(
            "DACH engineers and managers",
            "In Germany, Austria or Switzerland, and an engineer or a manager.",
            _block(_field("country", "in", "DE, AT, CH")),
            _block(
                _field("job_title", "contains", "engineer"),
                _field("job_title", "ends_with", "manager"),
                match="any",
            ),
        ),
        make(
            "German hot leads",
            "Members of both German contacts and Hot leads.",
            _block(_member("all", german, hot)),
        ),
        make(
            "Prospects to nurture",
            "Subscribed, not a customer, not VIP; or big companies without a tag.",
            _block(
                _field("subscribed", "true"),
                _tags("none", "customer"),
                _member("not_any", vip),
            ),
            _block(
                _field("annual_revenue", "gt", "10000000"),
                _tags("untagged"),
            ),
            match="any",
        ),
    ]
