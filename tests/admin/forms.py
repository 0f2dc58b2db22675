"""Form data of the contact group editor, as the browser would post it."""

from wagtail.test.utils.form_data import nested_form_data, streamfield


def field_params(field, operator, value="", value_to="", days=""):
    """The posted parameters of one contact field condition."""
    return {
        "field": field,
        "operator": operator,
        "value": value,
        "value_to": value_to,
        "days": days,
    }


def group_form(name="Group", match="all", condition_groups=(), **fields):
    """The posted editor form; ``condition_groups`` lists condition lists."""
    blocks = [
        (
            "condition_group",
            {"match": "all", "conditions": streamfield(list(conditions))},
        )
        for conditions in condition_groups
    ]
    data = {
        "name": name,
        "description": "",
        "match": match,
        "conditions": streamfield(blocks),
        **fields,
    }
    return nested_form_data(data)
