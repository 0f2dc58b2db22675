"""The StreamField that stores a group's condition tree."""

from django.utils.functional import cached_property
from wagtail.fields import StreamField


class ConditionsField(StreamField):
    """A StreamField whose blocks come from the condition registry.

    The blocks are built when first used, after every app has registered its
    condition types, and are left out of migrations: the stored JSON does not
    depend on which condition types are installed.
    """

    def __init__(self, *args, **kwargs):
        kwargs.pop("block_lookup", None)
        super().__init__(None, **kwargs)

    @cached_property
    def stream_block(self):
        from .blocks import ConditionGroupsBlock

        block = ConditionGroupsBlock()
        block.set_meta_options(self.block_opts)
        return block

    def deconstruct(self):
        name, path, _, kwargs = super(StreamField, self).deconstruct()
        return name, "wagtail_contactgroups.fields.ConditionsField", [], kwargs
