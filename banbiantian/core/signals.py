"""Logins and failed logins go to the audit trail (who, from where)."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import audit
from .models import AuditEntry, User


def _ip(request):
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit.record(actor=user, action=AuditEntry.Action.LOGIN, unit=user.unit, object_type="core.user",
                 object_id=user.pk, object_repr=user.username, ip_address=_ip(request))


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    known = User.objects.filter(username=username).select_related("unit").first()
    audit.record(actor=None, action=AuditEntry.Action.LOGIN_FAILED, unit=known.unit if known else None,
                 object_type="core.user", object_id=known.pk if known else "", object_repr=username,
                 ip_address=_ip(request))
