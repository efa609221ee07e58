"""The one audit path: services call `record()` inside their transaction."""

import contextvars
import datetime
import decimal
import re

from django.db import models
from django.utils.translation import gettext as _

from .models import AuditEntry

# The address of the request being served (core.middleware.audit_request_ip): every entry written
# while serving it records where the write or view came from.
request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_request_ip", default=None)


def current_ip() -> str | None:
    return request_ip.get()


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


def named_records(records) -> list[dict]:
    """The records a view showed, as the audit keeps them: id and name (deduplicated, in order)."""
    seen = {}
    for r in records:
        seen.setdefault(r.pk, {"id": r.pk, "name": str(getattr(r, "name", "") or r)[:60]})
    return list(seen.values())


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
        ip_address=ip_address or current_ip(),
    )


def _code_label(labels: dict, value):
    if not isinstance(value, str):
        return value
    if value in labels:
        return str(labels[value])
    head, sep, tail = value.partition(":")
    return f"{labels[head]} #{tail}" if sep and head in labels else value


def _field(model, name):
    if model is None:
        return None
    try:
        field = model._meta.get_field(name)
    except Exception:
        return None
    return field if getattr(field, "concrete", False) else None


def _ids(value) -> list:
    values = value if isinstance(value, list) else [value]
    return [int(v) for v in values if isinstance(v, int) and not isinstance(v, bool)
            or isinstance(v, str) and v.isdigit()]


def _every_choice() -> dict:
    """Every stored code of the product's models -> its label ("approved" -> 已批准), for codes kept
    outside a field (a list's filters); a code two fields label differently shows both labels."""
    from django.apps import apps

    found: dict = {}
    for model in apps.get_models():
        if not model.__module__.startswith("banbiantian."):
            continue
        for field in model._meta.concrete_fields:
            for code, label in getattr(field, "flatchoices", None) or []:
                if isinstance(code, str) and code:
                    found.setdefault(code, [])
                    if str(label) not in found[code]:
                        found[code].append(str(label))
    return {code: "/".join(labels) for code, labels in found.items()}


def _field_labels() -> dict:
    """Field name -> its Chinese name in the product's models (the first model that has it): for the
    changes of a related record kept inside an entry ({"mediation": {"held_on": [...]}})."""
    from django.apps import apps

    labels: dict = {}
    for model in apps.get_models():
        if model.__module__.startswith("banbiantian."):
            for field in model._meta.concrete_fields:
                labels.setdefault(field.name, str(field.verbose_name))
    return labels


CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)*")


def _loose_code(value, codes: dict):
    """A stored code shown by its label: a metric key ("care.screened") by the metric's, another
    code by its label in `codes` (for keys that are not fields: the choices of the product's models;
    for a field without choices, only the unit levels, so a user name is never taken for a code)."""
    if not isinstance(value, str) or not CODE.fullmatch(value):
        return value
    from . import metrics

    try:
        return str(metrics.get(value).label)
    except KeyError:
        return codes.get(value, value)


def _filters_text(filters: dict, codes: dict) -> str:
    from .models import AUDIT_FILTER_LABELS

    return "；".join(f"{AUDIT_FILTER_LABELS.get(k, k)}：{codes.get(str(v), v)}" for k, v in filters.items()) or "—"


def _shown(value, *, choices: dict, names: dict):
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return "、".join(str(v.get("name") or v.get("id")) for v in value)  # named records (records_viewed)
    if isinstance(value, dict):  # a target's split by township, records moved, a related record's own changes
        labels = _field_labels()
        return "；".join(f"{labels.get(k, k)}：" + (f"{v[0]} → {v[1]}" if isinstance(v, list) and len(v) == 2
                                                      else str(_shown(v, choices=choices, names=names)))
                        for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(str(_shown(v, choices=choices, names=names)) for v in value)
    if names and (isinstance(value, int) or isinstance(value, str) and value.isdigit()):
        return names.get(int(value), value)
    return choices.get(str(value), value) if value is not None else None


def describe(entries) -> list[list[tuple[str, object, object]]]:
    """Each entry's changes as (Chinese label, before, after): field names by the model's verbose names
    (or core's labels of other keys), stored codes by their choice labels, linked records by their
    names (looked up in one query per kind for all the entries), booleans as 是/否."""
    from .models import AUDIT_CHANGE_LABELS, AUDIT_VALUE_LABELS, Level

    wanted: dict = {}
    for e in entries:
        model = e._model()
        for name, value in (e.changes or {}).items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.related_model is not None:
                wanted.setdefault(field.related_model, set()).update(_ids(value))
    names = {related: {o.pk: str(o) for o in related._default_manager.filter(pk__in=ids)}
             for related, ids in wanted.items() if ids}
    codes = _every_choice()
    level_codes = {str(k): str(v) for k, v in Level.choices}
    described = []
    for e in entries:
        model = e._model()
        lines = []
        for name, value in (e.changes or {}).items():
            field = _field(model, name)
            label, choices, found = AUDIT_CHANGE_LABELS.get(name, name), {}, {}
            if field is not None:
                label = field.verbose_name
                choices = {str(k): str(v) for k, v in (getattr(field, "flatchoices", None) or [])}
                if field.is_relation:
                    found = names.get(field.related_model, {})
            elif name in AUDIT_VALUE_LABELS:
                choices = None
            if name == "filters" and isinstance(value, dict):
                lines.append((str(label), None, _filters_text(value, codes)))
                continue
            if field is not None and field.get_internal_type() == "JSONField":  # its value may be a list itself
                pair = isinstance(value, list) and len(value) == 2 and all(
                    v is None or isinstance(v, (list, dict)) for v in value)
            else:
                pair = isinstance(value, list) and len(value) == 2 and name != "records" and not any(
                    isinstance(v, dict) for v in value)
            before, after = value if pair else (None, value)
            if choices is None:  # a code of a non-field key
                before, after = (_code_label(AUDIT_VALUE_LABELS[name], v) for v in (before, after))
                choices = {}
            if not choices and not found:  # a code kept outside a field with choices (a level, a metric key)
                before, after = (_loose_code(v, codes if field is None else level_codes) for v in (before, after))
            before, after = (_shown(v, choices=choices, names=found) for v in (before, after))
            lines.append((str(label), before, after))
        described.append(lines)
    return described
