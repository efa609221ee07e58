"""Corrections of what was recorded on a case or in a monthly screening: a typo in a mediation, a visit's date,
a village's screening figures. Each is audited with the values before and after; nothing is deleted."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, User

from ..models import DisputeScreening, MediationSession, Visit
from ._case import _lock, _require_case, _save
from .screening import check_screening_counts

MEDIATION_FIELDS = ["held_on", "mediators", "parties", "agreement_reached", "agreement_text"]
VISIT_FIELDS = ["done_on", "result"]
SCREENING_FIELDS = ["none_found", "found", "resolved", "escalated", "note"]


@transaction.atomic
def mediation_correct(*, by: User, session: MediationSession, held_on: datetime.date, mediators: str,
                      parties: str, agreement_reached: bool, agreement_text: str = "") -> MediationSession:
    """Correct a recorded mediation session; the case's log says it was corrected and what changed."""
    _require_case(by, session.case)
    case = _lock(session.case, None)
    session = MediationSession.objects.select_for_update().get(pk=session.pk)
    errors = {}
    if held_on > timezone.localdate():
        errors["held_on"] = _("调解日期不能晚于今天。")
    elif held_on < case.received_on:
        errors["held_on"] = _("调解日期不能早于案件收到日期。")
    if agreement_reached and not (agreement_text or "").strip():
        errors["agreement_text"] = _("已达成协议，请填写协议内容。")
    for name, value in (("mediators", mediators), ("parties", parties)):
        if not (value or "").strip():
            errors[name] = _("此项不能为空。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(session, MEDIATION_FIELDS)
    session.held_on, session.mediators, session.parties = held_on, mediators.strip(), parties.strip()
    session.agreement_reached, session.agreement_text = agreement_reached, (agreement_text or "").strip()
    session.save(update_fields=MEDIATION_FIELDS)
    changes = audit.diff(before, audit.snapshot(session, MEDIATION_FIELDS))
    _save(case, by, _("更正调解记录"), note=f"{session.held_on:%Y-%m-%d}", changes={"mediation": changes})
    return session


@transaction.atomic
def visit_correct(*, by: User, visit: Visit, done_on: datetime.date, result: str) -> Visit:
    """Correct a 查访 already recorded (its date or what was found)."""
    _require_case(by, visit.case, "register_rights_cases")
    case = _lock(visit.case, None)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not visit.done_on:
        raise ValidationError(_("该次查访尚未登记，请先登记查访。"))
    errors = {}
    if done_on > timezone.localdate():
        errors["done_on"] = _("查访日期不能晚于今天。")
    elif done_on < case.received_on:
        errors["done_on"] = _("查访日期不能早于案件收到日期。")
    if not (result or "").strip():
        errors["result"] = _("请填写查访情况。")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(visit, VISIT_FIELDS)
    visit.done_on, visit.result = done_on, result.strip()
    visit.save(update_fields=VISIT_FIELDS)
    changes = audit.diff(before, audit.snapshot(visit, VISIT_FIELDS))
    _save(case, by, _("更正查访记录"), note=visit.result, changes={"visit": changes})
    return visit


@transaction.atomic
def screening_correct(*, by: User, report: DisputeScreening, none_found: bool, found: int = 0, resolved: int = 0,
                      escalated: int = 0, note: str = "") -> DisputeScreening:
    """Correct a village's filed monthly screening (the unit and month stay; the figures and note change)."""
    require_perm(by, "register_rights_cases")
    report = DisputeScreening.objects.select_for_update().get(pk=report.pk)
    if not report.unit.is_within(by.unit):
        raise ValidationError({"unit": _("只能更正本辖区的村(社区)的填报。")})
    check_screening_counts(none_found=none_found, found=found, resolved=resolved, escalated=escalated)
    before = audit.snapshot(report, SCREENING_FIELDS)
    report.none_found, report.found, report.resolved, report.escalated = none_found, found, resolved, escalated
    report.note = note
    report.save(update_fields=SCREENING_FIELDS)
    changes = audit.diff(before, audit.snapshot(report, SCREENING_FIELDS))
    if changes:
        audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=report, unit=report.unit, changes=changes)
    return report
