"""Newsletters addressed to the groups of ``recipient_helpers.build_audience``."""

from newsletter.models import (
    Newsletter,
    NewsletterExcludedGroup,
    NewsletterTargetGroup,
)

BODY = (
    '<p>Spring news. <a href="https://shop.example.com/spring">Shop now</a> '
    'or <a href="/about/">read about us</a>.</p>'
)


def make_newsletter(include=(), exclude=(), match="any", **fields):
    """Create a newsletter sent to ``include`` and not to ``exclude`` groups."""
    newsletter = Newsletter.objects.create(
        subject=fields.pop("subject", "Spring news"),
        body=fields.pop("body", BODY),
        group_match=match,
        **fields,
    )
    for group in include:
        NewsletterTargetGroup.objects.create(newsletter=newsletter, group=group)
    for group in exclude:
        NewsletterExcludedGroup.objects.create(newsletter=newsletter, group=group)
    return newsletter


def recipients_of(outbox):
    """Return the sorted addresses the messages in ``outbox`` went to."""
    return sorted(address for message in outbox for address in message.to)
