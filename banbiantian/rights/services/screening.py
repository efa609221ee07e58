"""矛盾纠纷排查: each village's monthly report of disputes found, resolved and escalated."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, Level, OrgUnit, User

from ..models import (
    DisputeScreening,
)

SCREENING_MAX = 9999  # found/resolved/escalated per village and month


def month_start(*, day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def check_screening_counts(*, none_found: bool, found: int, resolved: int, escalated: int) -> None:
    """Every problem with the figures at once, each under its field."""
    errors = {}
    for field, value in (("found", found), ("resolved", resolved), ("escalated", escalated)):
        if not 0 <= value <= SCREENING_MAX:
            errors[field] = _("数量须在0到%(n)s之间。") % {"n": SCREENING_MAX}
    if none_found and (found or resolved or escalated):
        errors["none_found"] = _("选择“未发现矛盾纠纷”时，发现、化解、上报数应为0。")
    elif not none_found and not found:
        errors.setdefault("found", _("请填写发现的矛盾纠纷数；如未发现，请勾选“本月未发现矛盾纠纷”。"))
    if resolved + escalated > found and not none_found:
        errors.setdefault("resolved", _("化解数与上报数之和不能超过发现数。"))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def screening_report(*, by: User, unit: OrgUnit, month: datetime.date, none_found: bool, found: int = 0,
                     resolved: int = 0, escalated: int = 0, note: str = "") -> DisputeScreening:
    require_perm(by, "register_rights_cases")
    if not unit.is_within(by.unit) or unit.level not in (Level.VILLAGE, Level.COMMITTEE):
        raise ValidationError({"unit": _("只能为本辖区的村(社区)填报。")})
    month = month_start(day=month)
    if month > month_start(day=timezone.localdate()):
        raise ValidationError({"month": _("不能填报将来的月份。")})
    check_screening_counts(none_found=none_found, found=found, resolved=resolved, escalated=escalated)
    already = ValidationError({"month": _("%(u)s %(m)s 已填报。") % {"u": unit.name, "m": month.strftime("%Y-%m")}})
    if DisputeScreening.objects.filter(unit=unit, month=month).exists():
        raise already
    try:
        with transaction.atomic():  # two quick submissions: the unique (unit, month) decides, not a 500
            report = DisputeScreening.objects.create(unit=unit, month=month, none_found=none_found, found=found,
                                                     resolved=resolved, escalated=escalated, note=note,
                                                     reported_by=by)
    except IntegrityError:
        raise already from None
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=report, unit=unit,
                 changes={"month": str(month), "found": found, "none_found": none_found})
    return report
