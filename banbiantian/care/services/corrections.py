"""Correcting what was recorded: money by a counter-entry (冲销), other records by an edit or a void (作废).

Money entries (benefits, fund entries, Spring Bud aid, insurance claims) are never edited or deleted: a
counter-entry with the negated amounts points at the original, which is marked reversed; the lists show
both (the totals net to zero) and no figure counts either. Other records are corrected field by field or
voided with a reason; a voided record drops out of every list and figure. Every change is audited with
its before and after values (screening results: the fields changed, not the health data itself).
Who may: whoever may create the record (edit_care; screening results also view_health_data); the views
fetch the record through the user's scope, so another unit's record is a 404 before any of this runs.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, User

from .. import tally
from ..models import (
    Benefit,
    CensusChild,
    CensusRound,
    ChildrensHome,
    Diagnosis,
    FundEntry,
    InsuranceClaim,
    InsurancePolicy,
    Pairing,
    ReliefApplication,
    Result,
    ScreeningResult,
    SpringBudAid,
    SpringBudGirl,
    Status,
    Visit,
)

# The date field of each money entry: a counter-entry is dated the day it is written.
_DATE_FIELD = {Benefit: "given_on", FundEntry: "date", SpringBudAid: "paid_on", InsuranceClaim: "date"}
_MONEY_FIELDS = {Benefit: ("cash", "goods_value"), FundEntry: ("amount", "goods_value"),
                 SpringBudAid: ("amount",), InsuranceClaim: ("amount_paid",)}
# Links a counter-entry does not copy (a one-to-one is the original's alone).
_NOT_COPIED = {"id", "reversed_at", "reverse_reason", "reverses", "created_by", "benefit", "spring_bud_aid",
               "insurance_policy"}


def _reason(reason: str, field: str = "reason") -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({field: _("请填写原因。")})
    return reason


def _counter_entry(by, obj, reason: str, **links):
    """Lock `obj`, refuse if it is a counter-entry or already reversed, write its counter-entry, mark it."""
    model = type(obj)
    original = model.objects.select_for_update().get(pk=obj.pk)
    if original.reverses_id:
        raise ValidationError({"reason": _("这是一笔冲销记录，不能再冲销。")})
    if original.reversed_at:
        raise ValidationError({"reason": _("该记录已冲销。")})
    data = {f.attname: getattr(original, f.attname) for f in model._meta.concrete_fields if f.name not in _NOT_COPIED}
    for name in _MONEY_FIELDS[model]:
        if data.get(name) is not None:
            data[name] = -data[name]
    data[_DATE_FIELD[model]] = timezone.localdate()
    if any(f.name == "created_by" for f in model._meta.concrete_fields):
        data["created_by"] = by
    counter = model.objects.create(**data, reverses=original, reverse_reason=reason, **links)
    original.reversed_at, original.reverse_reason = timezone.now(), reason
    original.save(update_fields=["reversed_at", "reverse_reason"])
    return original, counter


def _money_audit(by, original, counter, unit, reason) -> None:
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=original, unit=unit, changes={
        "reversed_at": [None, str(original.reversed_at)], "reverse_reason": [None, reason],
        "counter_entry": counter.pk,
        **{name: [str(getattr(original, name)), str(getattr(counter, name))]
           for name in _MONEY_FIELDS[type(original)] if getattr(original, name) is not None}})


def _reverse_fund_entry_of(by, original, counter_owner, reason, link: str):
    """The fund entry paying for a benefit / aid / premium gets its own counter-entry."""
    entry = FundEntry.objects.filter(**{link: original}).first()
    if entry is None or entry.reversed_at:
        return None
    links = {link: counter_owner} if counter_owner is not None else {}
    return _counter_entry(by, entry, reason, **links)[1]


@transaction.atomic
def benefit_reverse(*, by: User, benefit: Benefit, reason: str) -> Benefit:
    """冲销 a benefit (and the fund entry that paid it): the counter-entry is returned."""
    require_perm(by, "edit_care")
    reason = _reason(reason)
    before = tally.person_benefit_rows(benefit.person_id, [benefit.given_on.year])
    original, counter = _counter_entry(by, benefit, reason)
    _reverse_fund_entry_of(by, original, counter, reason, "benefit")
    tally.benefits_recounted(before, tally.person_benefit_rows(benefit.person_id, [benefit.given_on.year]))
    _money_audit(by, original, counter, benefit.person.unit, reason)
    return counter


@transaction.atomic
def fund_entry_reverse(*, by: User, entry: FundEntry, reason: str) -> FundEntry:
    require_perm(by, "edit_care")
    reason = _reason(reason)
    if entry.benefit_id or entry.spring_bud_aid_id or entry.insurance_policy_id:
        raise ValidationError({"reason": _("这笔支出来自帮扶发放、春蕾资助或保费，请在原记录上冲销(作废)，善款会随之冲回。")})
    # A donation taken back (未到账, 退回) may leave the fund below zero when its money was already paid out:
    # that help was given, and the reversal's reason (required) says why the balance is short.
    original, counter = _counter_entry(by, entry, reason)
    _money_audit(by, original, counter, entry.fund.unit, reason)
    return counter


@transaction.atomic
def spring_bud_aid_reverse(*, by: User, aid: SpringBudAid, reason: str) -> SpringBudAid:
    require_perm(by, "edit_care")
    reason = _reason(reason)
    original, counter = _counter_entry(by, aid, reason)
    _reverse_fund_entry_of(by, original, counter, reason, "spring_bud_aid")
    _money_audit(by, original, counter, aid.girl.person.unit, reason)
    return counter


@transaction.atomic
def insurance_claim_reverse(*, by: User, claim: InsuranceClaim, reason: str) -> InsuranceClaim:
    require_perm(by, "edit_care")
    reason = _reason(reason)
    original, counter = _counter_entry(by, claim, reason)
    _money_audit(by, original, counter, claim.policy.person.unit, reason)
    return counter


# ---- records corrected or voided ------------------------------------------------------------------------

def _update(by, obj, fields: dict, unit, *, log_values: bool = True) -> dict:
    """Set `fields` on `obj`, save them, audit before/after; returns the diff (empty: nothing changed)."""
    names = list(fields)
    before = audit.snapshot(obj, names)
    for name, value in fields.items():
        setattr(obj, name, value)
    after = audit.snapshot(obj, names)
    changes = audit.diff(before, after)
    if not changes:
        return {}
    obj.save(update_fields=list(changes))
    if not log_values:
        changes = {"fields": [str(obj._meta.get_field(n).verbose_name) for n in changes]}
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=obj, unit=unit, changes=changes)
    return changes


def _void(by, obj, reason: str, unit) -> None:
    # Re-read under a lock: two voids of one record at once must not both pass (nor both move the totals).
    if type(obj).objects.select_for_update().filter(pk=obj.pk, voided_at__isnull=False).exists():
        raise ValidationError({"reason": _("该记录已作废。")})
    obj.voided_at, obj.void_reason = timezone.now(), reason
    obj.save(update_fields=["voided_at", "void_reason"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=obj, unit=unit,
                 changes={"voided_at": [None, str(obj.voided_at)], "void_reason": [None, reason]})


def _refresh_last_contact(pairing: Pairing) -> None:
    """The pairing's last contact: the later of its start and its last live visit (the overdue list reads it)."""
    pairing = Pairing.objects.select_for_update().select_related("beneficiary").get(pk=pairing.pk)
    last = Visit.objects.filter(pairing=pairing, voided_at__isnull=True).aggregate(d=Max("date"))["d"]
    new = max(pairing.start_date, last) if last else pairing.start_date
    if new != pairing.last_contact_on:
        old = pairing.last_contact_on
        Pairing.objects.filter(pk=pairing.pk).update(last_contact_on=new)
        if pairing.end_date is None:
            tally.pairing_moved(pairing.beneficiary.unit_id, old, new)


@transaction.atomic
def visit_update(*, by: User, visit: Visit, date: datetime.date, kind: str, done: str, needs: str = "",
                 next_step: str = "") -> Visit:
    require_perm(by, "edit_care")
    pairing = visit.pairing
    if visit.voided_at:
        raise ValidationError({"date": _("该记录已作废。")})
    if date > timezone.localdate():
        raise ValidationError({"date": _("走访日期不能晚于今天。")})
    if date < pairing.start_date:
        raise ValidationError({"date": _("走访日期不能早于结对日期。")})
    if not (done or "").strip():
        raise ValidationError({"done": _("请填写帮扶内容。")})
    _update(by, visit, {"date": date, "kind": kind, "done": done, "needs": needs, "next_step": next_step},
            pairing.beneficiary.unit)
    _refresh_last_contact(pairing)
    return visit


@transaction.atomic
def visit_void(*, by: User, visit: Visit, reason: str) -> Visit:
    require_perm(by, "edit_care")
    _void(by, visit, _reason(reason), visit.pairing.beneficiary.unit)
    _refresh_last_contact(visit.pairing)
    return visit


@transaction.atomic
def census_child_update(*, by: User, row: CensusChild, guardian: str, father_whereabouts: str = "",
                        mother_whereabouts: str = "", school: str = "", needs: str = "",
                        home: ChildrensHome | None = None) -> CensusChild:
    require_perm(by, "edit_care")
    if row.voided_at:
        raise ValidationError({"guardian": _("该记录已作废。")})
    if not (guardian or "").strip():
        raise ValidationError({"guardian": _("请填写监护人。")})
    _update(by, row, {"guardian": guardian.strip(), "father_whereabouts": father_whereabouts,
                      "mother_whereabouts": mother_whereabouts, "school": school, "needs": needs, "home": home},
            row.child.unit)
    return row


@transaction.atomic
def census_child_void(*, by: User, row: CensusChild, reason: str) -> CensusChild:
    require_perm(by, "edit_care")
    _void(by, row, _reason(reason), row.child.unit)
    return row


@transaction.atomic
def census_carry_over(*, by: User, census: CensusRound, rows: list[CensusChild]) -> tuple[int, list[str]]:
    """Carry children of an earlier round into this one with what was recorded of them (监护人, 外出务工地,
    学校, 需求, 儿童之家), instead of retyping them. Returns (how many carried, the names left out and why)."""
    from .census import census_child_add

    require_perm(by, "edit_care")
    carried, skipped = 0, []
    present = set(CensusChild.objects.filter(round=census, voided_at__isnull=True).values_list("child_id", flat=True))
    for row in rows:
        if row.voided_at or row.round.year >= census.year or row.round.unit_id != census.unit_id:
            continue
        if row.child_id in present:
            skipped.append(_("%(n)s(已在本轮)") % {"n": row.child.name})
            continue
        if row.child.age is None or row.child.age >= 18:
            skipped.append(_("%(n)s(已满十八周岁)") % {"n": row.child.name})
            continue
        try:
            with transaction.atomic():
                census_child_add(by=by, census=census, child=row.child, guardian=row.guardian,
                                 father_whereabouts=row.father_whereabouts, mother_whereabouts=row.mother_whereabouts,
                                 school=row.school, needs=row.needs, home=row.home)
        except ValidationError as exc:
            skipped.append(f"{row.child.name}({'；'.join(exc.messages)})")
            continue
        present.add(row.child_id)
        carried += 1
    return carried, skipped


@transaction.atomic
def spring_bud_update(*, by: User, girl: SpringBudGirl, school: str, grade: str, registered_on: datetime.date,
                      family_situation: str = "", donor: str = "") -> SpringBudGirl:
    require_perm(by, "edit_care")
    if not (school or "").strip():
        raise ValidationError({"school": _("请填写就读学校。")})
    _update(by, girl, {"school": school.strip(), "grade": grade, "registered_on": registered_on,
                       "family_situation": family_situation, "donor": donor}, girl.person.unit)
    return girl


@transaction.atomic
def insurance_policy_update(*, by: User, policy: InsurancePolicy, insurer: str, payer: str = "") -> InsurancePolicy:
    """Correct the insurer or the donor's name; the premium and who paid it are corrected by voiding."""
    require_perm(by, "edit_care")
    if policy.voided_at:
        raise ValidationError({"insurer": _("该记录已作废。")})
    if not (insurer or "").strip():
        raise ValidationError({"insurer": _("请填写承保公司。")})
    if policy.paid_by == "donor" and not (payer or "").strip():
        raise ValidationError({"payer": _("由爱心捐赠支付时请填写捐赠人。")})
    _update(by, policy, {"insurer": insurer.strip(), "payer": (payer or "").strip()}, policy.person.unit)
    return policy


@transaction.atomic
def insurance_policy_void(*, by: User, policy: InsurancePolicy, reason: str) -> InsurancePolicy:
    """作废 a policy; a premium paid from a fund goes back to it by a counter-entry."""
    require_perm(by, "edit_care")
    reason = _reason(reason)
    if InsuranceClaim.objects.filter(policy=policy, reversed_at__isnull=True, reverses__isnull=True).exists():
        raise ValidationError({"reason": _("该保单有理赔记录，请先冲销理赔。")})
    _void(by, policy, reason, policy.person.unit)
    _reverse_fund_entry_of(by, policy, None, reason, "insurance_policy")
    return policy


def _live_relief(result: ScreeningResult) -> bool:
    return ReliefApplication.objects.filter(result=result).exclude(status=Status.REJECTED).exists()


@transaction.atomic
def screening_result_update(*, by: User, result: ScreeningResult, outcome: str, cervical: bool = True,
                            breast: bool = True, diagnosis: str = "", stage: str = "", follow_up: str = "",
                            treatment: str = "") -> ScreeningResult:
    """Correct a result, e.g. 异常需复查 → 确诊 after the follow-up (she may then apply for relief)."""
    require_perm(by, "view_health_data")
    require_perm(by, "edit_care")
    if result.voided_at:
        raise ValidationError({"result": _("该记录已作废。")})
    if not (cervical or breast):
        raise ValidationError({"cervical": _("请至少选择一项筛查(宫颈癌或乳腺癌)。")})
    if outcome == Result.CONFIRMED and not diagnosis:
        raise ValidationError({"diagnosis": _("确诊时请选择确诊类型。")})
    if outcome != Result.CONFIRMED and diagnosis:
        raise ValidationError({"diagnosis": _("未确诊时不能填写确诊类型。")})
    if diagnosis not in Diagnosis.values:
        raise ValidationError({"diagnosis": _("请选择有效的确诊类型。")})
    if outcome != Result.CONFIRMED and _live_relief(result):
        raise ValidationError({"result": _("该结果已有两癌救助申请，不能改为未确诊；请先处理救助申请。")})
    before = tally.screening_row(result)
    changes = _update(by, result, {"result": outcome, "cervical": cervical, "breast": breast, "diagnosis": diagnosis,
                                   "stage": stage, "follow_up": follow_up, "treatment": treatment},
                      result.person.unit, log_values=False)
    if changes:
        tally.screening_changed(before, tally.screening_row(result))
    return result


@transaction.atomic
def screening_result_void(*, by: User, result: ScreeningResult, reason: str) -> ScreeningResult:
    require_perm(by, "view_health_data")
    require_perm(by, "edit_care")
    reason = _reason(reason)
    if _live_relief(result):
        raise ValidationError({"reason": _("该结果已有两癌救助申请，不能作废。")})
    before = tally.screening_row(result) if not result.voided_at else None
    _void(by, result, reason, result.person.unit)
    tally.screening_changed(before, None)
    return result
