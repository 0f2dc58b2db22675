"""Newsletter HTML with open and click tracking, and the signed tokens it uses."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from django.conf import settings
from django.core import signing
from django.urls import reverse
from wagtail.rich_text import expand_db_html

SALT = "newsletter.tracking"


def base_url() -> str:
    """Return the absolute site address that tracking links start with."""
    return getattr(settings, "NEWSLETTER_BASE_URL", settings.WAGTAILADMIN_BASE_URL)


def make_token(delivery_id: int, url: str = "") -> str:
    """Return a signed token naming a delivery and, for clicks, the target URL."""
    payload = {"d": delivery_id}
    if url:
        payload["u"] = url
    return signing.dumps(payload, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str]:
    """Return ``(delivery_id, url)``; raise ``signing.BadSignature`` if forged."""
    payload = signing.loads(token, salt=SALT)
    if not isinstance(payload, dict) or not isinstance(payload.get("d"), int):
        raise signing.BadSignature("The tracking token has no delivery.")
    return payload["d"], str(payload.get("u", ""))


def is_web_url(url: str) -> bool:
    """Return whether ``url`` is an absolute http or https address."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _soup(newsletter) -> BeautifulSoup:
    return BeautifulSoup(expand_db_html(newsletter.body), "html.parser")


def _absolute_links(soup: BeautifulSoup):
    """Yield each ``<a>`` with an http(s) target, made absolute, and that target."""
    root = base_url()
    for anchor in soup.find_all("a", href=True):
        url = urljoin(root, anchor["href"].strip())
        if is_web_url(url):
            yield anchor, url


def newsletter_links(newsletter) -> set[str]:
    """Return the absolute http(s) targets of the links in the body."""
    return {url for _anchor, url in _absolute_links(_soup(newsletter))}


def _absolute(path: str) -> str:
    return urljoin(base_url(), path)


def render_email(newsletter, delivery_id: int) -> tuple[str, str]:
    """Return ``(html, text)`` of the newsletter for one delivery, with tracking."""
    soup = _soup(newsletter)
    for anchor, url in list(_absolute_links(soup)):
        token = make_token(delivery_id, url)
        anchor["href"] = _absolute(reverse("newsletter:click", args=[token]))
    text = soup.get_text("\n").strip()

    pixel = soup.new_tag(
        "img",
        src=_absolute(reverse("newsletter:open", args=[make_token(delivery_id)])),
        width="1",
        height="1",
        alt="",
    )
    soup.append(pixel)
    return str(soup), text
