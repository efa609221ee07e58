"""County data the deadlines and lists use: case categories and the holiday calendar."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, User

from ..models import CaseCategory, Holiday


@transaction.atomic
def category_add(*, by: User, name: str, is_domestic_violence: bool = False):
    """Case categories are county data: a county adds its own beside the ones every county starts with."""
    require_perm(by, "manage_org")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("类别名称不能为空。")})
    if CaseCategory.objects.filter(name=name).exists():
        raise ValidationError({"name": _("已有类别“%(n)s”。") % {"n": name}})
    import uuid

    code = f"custom-{uuid.uuid4().hex[:10]}"
    last = CaseCategory.objects.order_by("-sort").first()
    category = CaseCategory.objects.create(code=code, name=name, is_domestic_violence=is_domestic_violence,
                                           sort=(last.sort if last else 0) + 10)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=category, unit=by.unit, changes={"name": name})
    return category


@transaction.atomic
def category_set_active(*, by: User, category: CaseCategory, active: bool):
    require_perm(by, "manage_org")
    category.active = active
    category.save(update_fields=["active"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=category, unit=by.unit, changes={"active": active})
    return category


@transaction.atomic
def holiday_set(*, by: User, day: datetime.date, kind: str, name: str):
    """Add or change one day of the holiday calendar (放假 or 调休上班): county data, for working-day deadlines."""

    require_perm(by, "manage_org")
    name = (name or "").strip()
    errors = {}
    if kind not in Holiday.Kind.values:
        errors["kind"] = _("请选择放假或调休上班。")
    if not name:
        errors["name"] = _("请填写节日名称。")
    if kind == Holiday.Kind.WORK and day.weekday() < 5:
        errors["kind"] = _("调休上班日应是周六或周日；工作日本来就上班。")
    if errors:
        raise ValidationError(errors)
    holiday = Holiday.objects.filter(day=day).first()
    before = audit.snapshot(holiday, ["kind", "name"]) if holiday else {}
    holiday = holiday or Holiday(day=day)
    holiday.kind, holiday.name = kind, name
    holiday.save()
    audit.record(actor=by, action=AuditEntry.Action.UPDATE if before else AuditEntry.Action.CREATE, obj=holiday,
                 unit=by.unit, changes={"day": str(day), **audit.diff(before, audit.snapshot(holiday, ["kind", "name"]))})
    return holiday


@transaction.atomic
def holiday_delete(*, by: User, holiday: Holiday) -> None:
    require_perm(by, "manage_org")
    audit.record(actor=by, action=AuditEntry.Action.DELETE, obj=holiday, unit=by.unit,
                 changes={"day": str(holiday.day), "kind": holiday.kind, "name": holiday.name})
    holiday.delete()
