"""The one audit path: services call `record()` inside their transaction."""

import datetime
import decimal

from django.db import models

from .models import AuditEntry


def _plain(value):
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime, decimal.Decimal)):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """Field values of `obj` as JSON-ready data: the "before" and "after" of a change."""
    names = fields or [f.name for f in obj._meta.concrete_fields if f.editable and f.name != "id"]
    data = {}
    for name in names:
        field = obj._meta.get_field(name)
        value = getattr(obj, field.attname)
        data[name] = _plain(value)
    return data


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed."""
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def record(*, actor, action: str, obj: models.Model | None = None, unit=None, changes: dict | None = None,
           object_type: str = "", object_id="", object_repr: str = "", ip_address: str | None = None) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)[:200]
        if unit is None:
            unit = getattr(obj, "unit", None)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        unit=unit,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        object_repr=object_repr,
        changes=changes or {},
        ip_address=ip_address,
    )
