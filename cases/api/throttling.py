"""Request rates for the API, read from settings on every request (not frozen at import), so
SCCODER_API_RATE / SCCODER_API_ANON_RATE and test overrides take effect.

The counters live in Django's cache; with the default local-memory cache each server process
counts on its own, so the effective limit is the rate times the number of processes.
"""

import re

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

_RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def _checked(name: str) -> str:
    rate = getattr(settings, name)
    if not _RATE.match(rate):
        raise ImproperlyConfigured(
            f'{name} must look like "1000/hour" or "50/minute", got {rate!r}'
        )
    return rate


class ApiUserThrottle(UserRateThrottle):
    def get_rate(self) -> str:
        return _checked("SCCODER_API_USER_RATE")


class ApiAnonThrottle(AnonRateThrottle):
    def get_rate(self) -> str:
        return _checked("SCCODER_API_ANON_RATE")
