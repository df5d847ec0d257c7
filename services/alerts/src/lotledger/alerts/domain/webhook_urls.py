"""Which URLs a webhook may point at.

http or https only, with a host, no credentials in the URL, at most 2,048 ASCII
characters with no spaces or control characters (internationalised names go punycoded).
Loopback, private, link-local and unspecified addresses (literal IPs and `localhost`) are
refused unless allowed: a subscription must not turn the deliverer into a probe of the
internal network (cloud metadata at 169.254.169.254, databases on 10/8). The local
product allows them (receivers on 127.0.0.1). A host name that resolves to such an
address is not caught here; a deployment that needs that guarantee routes the
deliverer's traffic through an egress proxy.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from lotledger.shared.errors import DomainError

MAX_URL = 2048


class InvalidWebhookUrl(DomainError):
    pass


def _internal(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return (
        address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_unspecified
        or address.is_multicast
        or address.is_reserved
    )


def check_url(url: str, *, allow_internal: bool) -> str:
    if len(url) > MAX_URL:
        raise InvalidWebhookUrl(f"the URL is longer than {MAX_URL} characters", field="url")
    if not url.isascii() or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        raise InvalidWebhookUrl(
            "the URL must be ASCII without spaces or control characters (percent-encode)",
            field="url",
        )
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError as exc:
        raise InvalidWebhookUrl(f"the URL is malformed: {exc}", field="url") from exc
    if port == 0:
        raise InvalidWebhookUrl("the URL's port must be 1-65535", field="url")
    if parts.scheme not in ("http", "https"):
        raise InvalidWebhookUrl("the URL must use http or https", field="url")
    if not host:
        raise InvalidWebhookUrl("the URL must name a host", field="url")
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhookUrl("put no credentials in the URL; the secret signs", field="url")
    if parts.fragment:
        raise InvalidWebhookUrl("the URL must not carry a fragment", field="url")
    if not allow_internal and _internal(host):
        raise InvalidWebhookUrl(
            "loopback, private and link-local hosts are not allowed here", field="url"
        )
    return url
