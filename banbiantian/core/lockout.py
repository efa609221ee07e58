"""Locked-out accounts (django-axes): who is locked, until when, who can unlock her.

Axes counts failures per user name and address (settings.AXES_LOCKOUT_PARAMETERS); an account is
shown as locked when any address has reached the limit within the cool-off time. Unlocking (by an
admin, or a password reset) removes her failure records, so every address may try again.
"""

import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max
from django.utils import timezone


def _locked_attempts():
    qs = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = get_cool_off()
    if cool_off:
        qs = qs.filter(attempt_time__gte=timezone.now() - cool_off)
    return qs


def locked_until(usernames) -> dict[str, datetime.datetime | None]:
    """{username: when the lock ends (None: until an admin unlocks)} for the locked ones among `usernames`."""
    cool_off = get_cool_off()
    rows = (_locked_attempts().filter(username__in=list(usernames)).values("username")
            .annotate(last=Max("attempt_time")))
    return {r["username"]: (r["last"] + cool_off if cool_off else None) for r in rows}


def is_locked(username: str) -> bool:
    return bool(locked_until([username]))


def clear(username: str) -> int:
    """Every failure record of this user name, from every address: she may log in again at once."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return count

