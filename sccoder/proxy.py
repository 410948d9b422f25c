"""The client's address behind the reverse proxy (DJANGO_BEHIND_PROXY=1, docs/deploy.md).

Every request then reaches gunicorn from the proxy, so ``REMOTE_ADDR`` is the proxy's own
address, and login throttling keyed on it would lock a username out for everyone at once. The
proxy appends the address it received the request from to X-Forwarded-For (nginx:
``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for``). Entries to the left of that
one were sent by the client and may be forged, so only the last one is trusted.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The last X-Forwarded-For entry when it is an IP address; otherwise ``REMOTE_ADDR``."""
    last = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
