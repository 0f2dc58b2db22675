"""Steps that drive the condition builder in the browser."""

PICKER_BUTTON = "button.c-sf-add-button[aria-expanded]"
GROUP_BUTTON = "button.c-sf-add-button:not([aria-expanded])"


def condition_prefix(group_index: int, condition_index: int = 0) -> str:
    """The form prefix of one condition inside one condition group."""
    return f"conditions-{group_index}-value-conditions-{condition_index}-value"


def add_condition_group(page) -> None:
    """Append an empty condition group to the condition."""
    page.locator(GROUP_BUTTON).last.click()


def pick_condition(page, label: str) -> None:
    """Open the block picker of the last condition group and pick ``label``."""
    page.locator(PICKER_BUTTON).last.click()
    search = page.locator("input[role=combobox]:visible")
    search.fill(label)
    page.get_by_role("option", name=label).click()


def fill_field_condition(page, prefix: str, field: str, operator: str, value=""):
    """Set the parameters of a contact field condition."""
    page.select_option(f"#{prefix}-field", field)
    page.select_option(f"#{prefix}-operator", operator)
    if value:
        page.fill(f"#{prefix}-value", value)


def field_wrapper(page, input_id: str):
    """The field block around one parameter input, where its error shows."""
    return page.locator(f"#{input_id}").locator(
        "xpath=ancestor::*[contains(@class, 'w-field__wrapper')][1]"
    )
