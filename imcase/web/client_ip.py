"""The client's address for the login lockout (django-axes' ``AXES_CLIENT_IP_CALLABLE``)."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client that sent the request.

    Behind ``TRUSTED_PROXY_COUNT`` proxies, each appends the address it received the request
    from to X-Forwarded-For, so the client is the entry that many places from the right;
    everything further left was written by the client and may be forged. Without trusted
    proxies the header is ignored altogether. A header shorter than the proxy chain or an entry
    that is no address means the request did not come through the proxies: the peer address
    counts.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
