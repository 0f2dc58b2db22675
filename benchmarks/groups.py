"""The groups the benchmarks recalculate and save contacts against."""

from __future__ import annotations

from wagtail_contactgroups.models import ContactGroup

from .data import COUNTRIES, TITLES

PREFIX = "Benchmark"


def field(name: str, operator: str, value="", value_to="", days=None) -> dict:
    return {
        "type": "contact_field",
        "value": {
            "field": name,
            "operator": operator,
            "value": value,
            "value_to": value_to,
            "days": days,
        },
    }


def block(*conditions, match="all") -> dict:
    return {
        "type": "condition_group",
        "value": {"match": match, "conditions": list(conditions)},
    }


def member_of(group_id: int) -> dict:
    return {
        "type": "group_membership",
        "value": {"operator": "any", "groups": [group_id]},
    }


def page_visits(page_id: int, visits: int = 3, days: int = 30) -> dict:
    """The product's "visited page" condition: at least N visits in D days."""
    return {
        "type": "visited_page",
        "value": {
            "negation": "has",
            "page": page_id,
            "include_descendants": False,
            "operator": "at_least",
            "count": visits,
            "period": "last_days",
            "days": days,
        },
    }


def create_group(name: str, *condition_groups, match: str = "all") -> ContactGroup:
    return ContactGroup.objects.create(
        name=f"{PREFIX} {name}", match=match, conditions=list(condition_groups)
    )


# Recalculation cases.


def german_group() -> ContactGroup:
    return create_group("German", block(field("country", "eq", "DE")))


def two_level_group() -> ContactGroup:
    """Any of two all-groups, five conditions over five fields."""
    return create_group(
        "Two levels",
        block(field("country", "in", "DE, AT, CH"), field("lead_score", "gte", "50")),
        block(
            field("subscribed", "true"),
            field("job_title", "eq", "Manager"),
            field("birthday", "gte", "1980-01-01"),
        ),
        match="any",
    )


def member_group(source: ContactGroup) -> ContactGroup:
    return create_group("Member of German", block(member_of(source.pk)))


def activity_group(page_id: int) -> ContactGroup:
    return create_group("Page visitors", block(page_visits(page_id, visits=2, days=90)))


def everyone_group() -> ContactGroup:
    return create_group("Everyone", block(field("lead_score", "gte", "0")))


# Many varied groups for the save benchmarks; about two in five read country.


def _template(index: int, page_id: int | None) -> list[dict]:
    country = COUNTRIES[index % len(COUNTRIES)]
    kind = index % 10
    if kind == 0:
        return [block(field("country", "eq", country))]
    if kind == 5:
        # France first: a save that moves a contact from Germany to France
        # then both adds and removes memberships with ten groups or more.
        other = COUNTRIES[(index // 5) % len(COUNTRIES)]
        return [block(field("country", "eq", other))]
    if kind == 1:
        return [block(field("country", "in", f"{country}, DE"))]
    if kind == 2:
        return [block(field("lead_score", "gte", str(index % 100)))]
    if kind == 3:
        return [block(field("city", "eq", f"City {index % 300}"))]
    if kind == 4:
        return [
            block(field("company", "starts_with", f"Company {index % 50}")),
            block(field("job_title", "eq", TITLES[index % len(TITLES)])),
        ]
    if kind == 6:
        return [
            block(field("country", "ne", country), field("subscribed", "true")),
            block(field("gender", "eq", "female"), match="any"),
        ]
    if kind == 7:
        return [block(field("birthday", "lt", f"{1950 + index % 50}-06-01"))]
    if kind == 8:
        return [block(field("created_at", "in_last_days", days=index % 365 + 1))]
    if page_id is not None:
        return [block(page_visits(page_id, visits=1 + index % 5))]
    return [block(field("gender", "eq", "male"))]


def create_many_groups(count: int, page_id: int | None = None) -> list[ContactGroup]:
    """Create ``count`` varied groups; every 25th also reads a country group.

    The readers make every save with ten groups or more evaluate two
    dependency levels, so query counts compare like with like.
    """
    groups = []
    for index in range(count):
        condition_groups = _template(index, page_id)
        if index % 25 == 8:
            condition_groups = [
                *condition_groups,
                block(member_of(groups[index - 8].pk)),
            ]
        groups.append(create_group(f"{index:04d}", *condition_groups))
    return groups


def delete_benchmark_groups() -> None:
    ContactGroup.objects.filter(name__startswith=f"{PREFIX} ").delete()
