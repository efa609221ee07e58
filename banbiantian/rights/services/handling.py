"""Handling an accepted case: 转办 to another agency, 调解, 交村跟进."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.models import User

from .. import rules, selectors
from ..models import (
    Case,
    MediationSession,
    Referral,
    Status,
    VillageFollowUp,
)
from ._case import (
    _lock,
    _require_case,
    _require_mandatory_report,
    _require_status,
    _save,
)


@transaction.atomic
def case_refer(*, by: User, case: Case, agency: str, receiving_unit: str, referred_on: datetime.date,
               without_consent_reason: str = "", version: int | None = None) -> Referral:
    """转办: needs the woman's consent, or the separate permission and a reason."""
    _require_case(by, case)
    case = _lock(case, version)
    _require_status(case, [Status.ACCEPTED], _("案件须先受理，才能转办。"))
    _require_mandatory_report(case)
    without = not case.consent_share
    if without:
        if not by.has_perm_name("refer_without_consent"):
            raise ValidationError({"agency": _("当事人未同意转办，您没有未经同意转办的权限。")})
        if not (without_consent_reason or "").strip():
            raise ValidationError({"without_consent_reason": _("未经当事人同意转办，须填写理由。")})
    if not (receiving_unit or "").strip():
        raise ValidationError({"receiving_unit": _("请填写接收单位。")})
    policy = rules.policy_for(case.unit)
    referral = Referral.objects.create(
        case=case, agency=agency, receiving_unit=receiving_unit.strip(), referred_on=referred_on,
        reply_due=referred_on + datetime.timedelta(days=policy.referral_reply_days), without_consent=without,
        without_consent_reason=(without_consent_reason or "").strip() if without else "", by=by)
    case.handling = "referral"
    _save(case, by, _("转办"), note=f"{referral.get_agency_display()} · {referral.receiving_unit}",
          changes={"referral": referral.receiving_unit, "without_consent": without,
                   "reason": referral.without_consent_reason})
    return referral


@transaction.atomic
def referral_reply(*, by: User, referral: Referral, replied_on: datetime.date, reply: str) -> Referral:
    _require_case(by, referral.case)
    case = _lock(referral.case, None)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.replied_on:
        raise ValidationError(_("该转办已登记回复。"))
    if replied_on < referral.referred_on:
        raise ValidationError({"replied_on": _("回复日期不能早于转办日期。")})
    if not (reply or "").strip():
        raise ValidationError({"reply": _("请填写回复内容。")})
    referral.replied_on = replied_on
    referral.reply = reply.strip()
    referral.save(update_fields=["replied_on", "reply"])
    _save(case, by, _("转办回复"), note=f"{referral.receiving_unit}：{referral.reply}")
    return referral


@transaction.atomic
def mediation_add(*, by: User, case: Case, held_on: datetime.date, mediators: str, parties: str,
                  agreement_reached: bool, agreement_text: str = "") -> MediationSession:
    _require_case(by, case)
    # Re-read under the lock: a session is added alongside others' edits, so no version check, but the
    # save must not write back a stale copy of the case.
    case = _lock(case, None)
    _require_status(case, [Status.ACCEPTED], _("案件须先受理，才能记录调解。"))
    _require_mandatory_report(case)
    if agreement_reached and not (agreement_text or "").strip():
        raise ValidationError({"agreement_text": _("已达成协议，请填写协议内容。")})
    session = MediationSession.objects.create(case=case, held_on=held_on, mediators=mediators, parties=parties,
                                              agreement_reached=agreement_reached, agreement_text=agreement_text, by=by)
    case.handling = "mediation"
    _save(case, by, _("调解"), note=_("达成协议") if agreement_reached else _("未达成协议"))
    return session


@transaction.atomic
def case_assign(*, by: User, case: Case, assignee: User | None, version: int | None = None) -> Case:
    """交村跟进: a village director of the handling unit's subtree then sees the case."""
    _require_case(by, case)
    case = _lock(case, version)
    if assignee is not None and not selectors.assignable_directors(case).filter(pk=assignee.pk).exists():
        raise ValidationError({"assignee": _("只能交给本辖区的村(社区)妇联主席。")})
    case.assigned_to = assignee
    return _save(case, by, _("交村跟进"), note=str(assignee) if assignee else _("取消"),
                 changes={"assigned_to": str(assignee) if assignee else None})


@transaction.atomic
def case_village_followup(*, by: User, case: Case, done_on: datetime.date, result: str,
                          version: int | None = None) -> Case:
    """The village director a case was handed to (交村跟进) records what she did and when; the case's
    handlers may record one for her."""
    _require_case(by, case, "register_rights_cases")
    case = _lock(case, version)
    if case.assigned_to_id is None:
        raise ValidationError(_("该案件没有交村跟进，无需登记跟进情况。"))
    if by.pk != case.assigned_to_id and not by.has_perm_name("edit_rights_cases"):
        raise PermissionDenied
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("跟进日期不能晚于今天。")})
    if done_on < case.received_on:
        raise ValidationError({"done_on": _("跟进日期不能早于收到日期（%(d)s）。") % {"d": f"{case.received_on:%Y-%m-%d}"}})
    if not (result or "").strip():
        raise ValidationError({"result": _("请填写跟进情况：做了什么、当事人现在怎样。")})
    followup = VillageFollowUp.objects.create(case=case, done_on=done_on, result=result.strip(), by=by)
    return _save(case, by, _("交村跟进情况"), note=f"{done_on:%Y-%m-%d} {followup.result}",
                 changes={"village_followup": str(done_on)})
