"""Hypothesis strategies for hostile condition builder posts, and their tally."""

from collections import Counter

from hypothesis import strategies as st

from wagtail_contactgroups.conditions.fields import Operator

# Prefixed to free-text values, so a test can tell whether a posted value was
# pasted into SQL text (it must only ever travel as a query parameter).
MARKER = "Zq9Hostile"

HOSTILE_TEXT = [
    "'; DROP TABLE wagtail_contactgroups_contactgroup; --",
    "' OR '1'='1",
    '" OR ""="',
    "Robert'); DELETE FROM auth_user; --",
    "%",
    "_",
    "%_%",
    "\\",
    "\\%",
    "\\_",
    "[a-z]*",
    ".*",
    "(a+)+$",
    "^(a|a?)+$",
    "(?P<x>",
    "*",
    "?",
    "%(value)s",
    "{0}",
    "{{ 7|add:7 }}",
    "<script>alert(1)</script>",
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\U0001d518\U0001d52b",
    "é",
    "\\x00",
    "\\u0000",
    "%00",
    "%FF%FE",
    "a,b,,c",
    ",,,",
    "\n\n",
    " ",
    "",
    "true",
    "null",
    "[]",
    "{}",
    "2024-02-30",
    "0000-01-01",
    "9999-12-31",
    "31.12.1990",
]
HOSTILE_NUMBERS = [
    "",
    "abc",
    "-1",
    "0",
    "1",
    "36500",
    "36501",
    "1000000",
    "1000001",
    "99999999999999999999",
    "-9223372036854775809",
    "9223372036854775808",
    "1e3",
    "1e309",
    "NaN",
    "Infinity",
    "-Infinity",
    "1.5",
    " 5 ",
    "0x10",
    "\u0663",
]

texts = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(HOSTILE_NUMBERS),
    st.text(max_size=30),
)
# Beyond the block's 20,000 characters, or beyond the limit of 500 list values.
long_texts = st.one_of(
    st.just("x" * 25_000),
    st.integers(0, 700).map(lambda n: ",".join(f"v{i}" for i in range(n))),
)
numbers = st.one_of(
    st.sampled_from(HOSTILE_NUMBERS),
    st.integers(-(10**20), 10**20).map(str),
    texts,
)
FIELDS = ["country", "email", "first_name", "lead_score", "birthday", "created_at"]
FIELDS += ["subscribed", "gender", "tags", "id", "merged_into", "password"]
operators = st.one_of(st.sampled_from(Operator.values), texts)
CONDITION_TYPES = [
    "contact_field",
    "email_domain",
    "tags",
    "group_membership",
    "visited_page",
    "submitted_form",
    "performed_activity",
]
block_types = st.one_of(
    st.sampled_from(CONDITION_TYPES),
    st.sampled_from(["condition_group", "no_such_type", "", "__class__"]),
    texts,
)


def ids(known: list[int]):
    """Strategy for a posted object id: a known one, or anything else."""
    known = st.sampled_from([str(pk) for pk in known] or ["1"])
    return st.one_of(known, known, numbers)


@st.composite
def condition_params(
    draw, type_name: str, page_ids, group_ids, well_formed=False
) -> dict:
    """Posted parameters of one condition of ``type_name`` (or of nothing)."""
    hostile = st.builds(lambda text: MARKER + text, st.one_of(texts, long_texts))
    if well_formed:
        return well_formed_params(draw, type_name, page_ids, group_ids, hostile)
    params = {
        "field": draw(st.one_of(st.sampled_from(FIELDS), texts)),
        "operator": draw(
            st.one_of(operators, st.sampled_from(["any", "all", "in", "untagged"]))
        ),
        "value": draw(st.one_of(hostile, texts)),
        "value_to": draw(texts),
        "days": draw(numbers),
        "domains": draw(st.one_of(hostile, texts)),
        "tags": draw(st.one_of(hostile, texts)),
        "negation": draw(st.one_of(st.sampled_from(["has", "has_not"]), texts)),
        "page": draw(ids(page_ids)),
        "form": draw(ids(page_ids)),
        "count": draw(numbers),
        "period": draw(st.one_of(st.sampled_from(["ever", "last_days"]), texts)),
        "activity_type": draw(
            st.one_of(st.sampled_from(["page_visited", "form_submitted"]), texts)
        ),
    }
    if type_name in ("contact_field", "visited_page") and draw(st.booleans()):
        params["operator"] = draw(st.sampled_from(["eq", "contains", "at_least"]))
    if draw(st.booleans()):
        params["include_descendants"] = "on"
    params["groups"] = draw(st.lists(ids(group_ids), max_size=3))
    # The builder posts the parameters of the chosen type; unknown types get all.
    wanted = PARAMETERS.get(type_name, list(params))
    return {key: value for key, value in params.items() if key in wanted}


TEXT_OPERATORS = ["eq", "ne", "contains", "not_contains", "starts_with"]
TEXT_OPERATORS += ["ends_with", "in", "not_in", "empty", "not_empty"]


def well_formed_params(draw, type_name, page_ids, group_ids, hostile) -> dict:
    """Parameters the builder could post: valid choices and ids, hostile text."""
    activity = {
        "negation": draw(st.sampled_from(["has", "has_not"])),
        "operator": draw(st.sampled_from(["at_least", "at_most", "exactly"])),
        "count": draw(st.sampled_from(["0", "1", "2", "1000000"])),
        "period": draw(st.sampled_from(["ever", "last_days"])),
        "days": draw(st.sampled_from(["1", "36500"])),
    }
    params = {
        "contact_field": {
            "field": draw(st.sampled_from(["email", "first_name", "last_name"])),
            "operator": draw(st.sampled_from(TEXT_OPERATORS)),
            "value": draw(hostile),
            "value_to": "",
            "days": draw(st.sampled_from(["", "0", "7", "36500"])),
        },
        "email_domain": {
            "operator": draw(st.sampled_from(["in", "not_in"])),
            "domains": draw(hostile),
        },
        "tags": {
            "operator": draw(st.sampled_from(["any", "all", "none", "untagged"])),
            "tags": draw(hostile),
        },
        "group_membership": {
            "operator": draw(st.sampled_from(["any", "all", "not_any", "not_all"])),
            "groups": [str(pk) for pk in group_ids],
        },
        "visited_page": {"page": str(draw(st.sampled_from(page_ids))), **activity},
        "submitted_form": {"form": str(draw(st.sampled_from(page_ids))), **activity},
        "performed_activity": {
            "activity_type": draw(st.sampled_from(["page_visited", "form_submitted"])),
            **activity,
        },
    }
    return params[type_name]


ACTIVITY = ["negation", "operator", "count", "period", "days"]
PARAMETERS = {
    "contact_field": ["field", "operator", "value", "value_to", "days"],
    "email_domain": ["operator", "domains"],
    "tags": ["operator", "tags"],
    "group_membership": ["operator", "groups"],
    "visited_page": ["page", "include_descendants", *ACTIVITY],
    "submitted_form": ["form", *ACTIVITY],
    "performed_activity": ["activity_type", *ACTIVITY],
}


def flatten_condition(prefix: str, params: dict) -> dict:
    data = {}
    for key, value in params.items():
        if key != "groups":
            data[f"{prefix}-{key}"] = value
            continue
        data[f"{prefix}-groups-count"] = str(len(value))
        for index, pk in enumerate(value):
            item = f"{prefix}-groups-{index}"
            data.update({f"{item}-value": pk, f"{item}-deleted": ""})
            data.update({f"{item}-order": str(index), f"{item}-id": ""})
    return data


def stream_item(prefix: str, index: int, type_name: str) -> dict:
    item = f"{prefix}-{index}"
    return {
        f"{item}-type": type_name,
        f"{item}-deleted": "",
        f"{item}-order": str(index),
        f"{item}-id": "",
    }


@st.composite
def condition_posts(draw, page_ids=(), group_ids=(), well_formed=False) -> dict:
    """A whole posted condition builder: condition groups holding conditions.

    ``well_formed`` posts have the builder's shape, valid choices and ids and
    hostile free text only; the others are malformed in every way.
    """
    sizes = st.one_of(st.integers(0, 3), st.sampled_from([21, 51]))
    group_count = draw(st.one_of(st.integers(0, 3), st.just(21)))
    if well_formed:
        sizes = st.integers(1, 2)
        group_count = draw(st.sampled_from([1, 1, 1, 2]))
    matches = st.sampled_from(["all", "any"])
    if not well_formed:
        matches = st.one_of(matches, texts)
    data = {
        "match": draw(matches),
        "conditions-count": str(group_count),
    }
    for index in range(group_count):
        data.update(stream_item("conditions", index, "condition_group"))
        group = f"conditions-{index}-value"
        data[f"{group}-match"] = draw(matches)
        count = draw(sizes) if index == 0 else draw(st.integers(0, 2))
        data[f"{group}-conditions-count"] = str(count)
        for position in range(count):
            type_name = draw(
                st.sampled_from(CONDITION_TYPES) if well_formed else block_types
            )
            data.update(stream_item(f"{group}-conditions", position, type_name))
            params = draw(
                condition_params(
                    type_name, list(page_ids), list(group_ids), well_formed
                )
            )
            prefix = f"{group}-conditions-{position}-value"
            data.update(flatten_condition(prefix, params))
    return data if well_formed else draw(mutated(data))


@st.composite
def mutated(draw, data: dict) -> dict:
    """Drop keys, overwrite values, add unknown (deeply nested) keys."""
    keys = sorted(data)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["drop", "replace", "nest"]))
        if action == "drop":
            data.pop(key, None)
        elif action == "replace":
            data[key] = draw(st.one_of(texts, numbers))
        else:
            depth = draw(st.integers(1, 30))
            data[key + "-value-conditions-0" * depth] = draw(texts)
    return data


class Tally:
    """Counts examples by target and outcome, printed at the end of the module."""

    def __init__(self):
        self.counts: Counter = Counter()

    def add(self, target: str, outcome: str) -> None:
        self.counts[(target, outcome)] += 1

    def report(self) -> str:
        return ", ".join(
            f"{target} {outcome}: {count}"
            for (target, outcome), count in sorted(self.counts.items())
        )
