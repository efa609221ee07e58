"""Writes: form design, filling a report, and its way upward (submit, return, approve, unlock).

Every write is atomic and audited. A report's values are written whole or not at all.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.metrics import Period
from banbiantian.core.models import LEVEL_RANK, AuditEntry, Level, OrgUnit, User

from .checks import Entry
from .models import (
    CONTINUITY,
    LOCKED,
    Cell,
    Event,
    FormDefinition,
    Reminder,
    Report,
    Rule,
    RuleKind,
    Status,
    Value,
    ValueChange,
    ValueType,
)
from .selectors import absent_reports, effective_entries, live_pair, live_values, owes, sheet

# --- form design ------------------------------------------------------------------------------------

FORM_FIELDS = ["code", "name", "period_kind", "levels", "deadline_days", "active", "start_date", "description"]


def _check_levels(levels: str) -> None:
    chosen = [v for v in levels.split(",") if v]
    if not chosen or any(v not in Level.values for v in chosen):
        raise ValidationError({"levels": _("请选择填报层级。")})


@transaction.atomic
def form_save(*, by: User, form: FormDefinition | None = None, code: str, name: str, period_kind: str,
              levels: str, deadline_days: int = 10, active: bool = True,
              start_date: datetime.date | None = None, description: str = "") -> FormDefinition:
    """A new statistical form, or `form` rewritten from the arguments. `levels`: the Level values who fill
    it, comma-separated."""
    _check_levels(levels)
    created = form is None or form.pk is None
    before = {} if created else audit.snapshot(FormDefinition.objects.get(pk=form.pk), FORM_FIELDS)
    if form is None:
        form = FormDefinition()
    for field, value in dict(code=code, name=name, period_kind=period_kind, levels=levels,
                             deadline_days=deadline_days, active=active, start_date=start_date,
                             description=description).items():
        setattr(form, field, value)
    if not created and form.period_kind != before["period_kind"] and form.reports.exists():
        raise ValidationError({"period_kind": _("已有填报记录的报表不能更改报告期。")})
    form.save()
    audit.record(actor=by, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.UPDATE, obj=form,
                 unit=by.unit, changes=audit.diff(before, audit.snapshot(form, FORM_FIELDS)))
    return form


def _codes(form: FormDefinition) -> set[str]:
    return set(form.cells.values_list("code", flat=True))


@transaction.atomic
def cell_add(*, by: User, form: FormDefinition, code: str, row_label: str, column_label: str = "",
             order: int = 0, value_type: str = ValueType.COUNT, metric_key: str = "", numerator: str = "",
             denominator: str = "", unit_label: str = "") -> Cell:
    """A figure of the form; a share may be computed from two other cells (`numerator`, `denominator`)."""
    cell = Cell(form=form, code=code, row_label=row_label, column_label=column_label, order=order,
                value_type=value_type, metric_key=metric_key, numerator=numerator, denominator=denominator,
                unit_label=unit_label)
    codes = _codes(form)
    if cell.code in codes:
        raise ValidationError({"code": _("指标代码“%(c)s”已被本表使用。") % {"c": cell.code}})
    for name in ("numerator", "denominator"):
        if getattr(cell, name) and getattr(cell, name) not in codes:
            raise ValidationError({name: _("本表没有指标代码“%(c)s”。") % {"c": getattr(cell, name)}})
    if bool(cell.numerator) != bool(cell.denominator):
        raise ValidationError({"denominator": _("分子和分母要同时填写。")})
    if cell.numerator and cell.value_type != "share":
        raise ValidationError({"value_type": _("由分子分母计算的指标必须是比例。")})
    cell.save()
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=cell, unit=by.unit,
                 changes=audit.snapshot(cell, ["code", "row_label", "column_label", "value_type", "metric_key"]))
    return cell


@transaction.atomic
def cell_delete(*, cell: Cell, by: User) -> None:
    if Value.objects.filter(cell=cell).exists() or ValueChange.objects.filter(cell=cell).exists():
        raise ValidationError(_("“%(c)s”已有填报数据，不能删除；可以停用整张报表后另建新表。") % {"c": cell})
    used = [r for r in cell.form.rules.all() if cell.code in (r.left, *r.right_codes)]
    used += list(cell.form.cells.filter(numerator=cell.code)) + list(cell.form.cells.filter(denominator=cell.code))
    if used:
        raise ValidationError(_("“%(c)s”被审核规则或其他指标引用，请先删除引用。") % {"c": cell})
    audit.record(actor=by, action=AuditEntry.Action.DELETE, obj=cell, unit=by.unit)
    cell.delete()


@transaction.atomic
def rule_add(*, by: User, form: FormDefinition, kind: str, left: str, message: str, right: str = "",
             threshold: Decimal | None = None, blocking: bool = True) -> Rule:
    """An audit rule over the form's cells (`right`: the codes of B, space-separated)."""
    rule = Rule(form=form, kind=kind, left=left, right=right, threshold=threshold, blocking=blocking,
                message=message)
    codes = _codes(form)
    unknown = [c for c in [rule.left, *rule.right_codes] if c not in codes]
    if unknown:
        raise ValidationError(_("本表没有指标代码：%(c)s。") % {"c": "、".join(unknown)})
    if rule.kind in CONTINUITY:
        if rule.threshold is None or rule.threshold <= 0:
            raise ValidationError({"threshold": _("请填写大于0的变动幅度。")})
        rule.right = ""
    elif not rule.right_codes:
        raise ValidationError({"right": _("请填写指标B。")})
    elif rule.kind == RuleKind.LE and len(rule.right_codes) != 1:
        raise ValidationError({"right": _("A ≤ B 规则的指标B只能填一个。")})
    rule.save()
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=rule, unit=by.unit,
                 changes=audit.snapshot(rule, ["kind", "left", "right", "threshold", "blocking", "message"]))
    return rule


@transaction.atomic
def rule_delete(*, rule: Rule, by: User) -> None:
    audit.record(actor=by, action=AuditEntry.Action.DELETE, obj=rule, unit=by.unit)
    rule.delete()


# --- filling ----------------------------------------------------------------------------------------

def _must_fill(user, unit: OrgUnit) -> None:
    if not user.has_perm_name("fill_forms"):
        raise PermissionDenied
    if user.unit_id != unit.pk:
        raise ValidationError(_("只能填报本单位的报表。"))


def period_for(*, form: FormDefinition, key: str) -> Period:
    try:
        period = Period.parse(key)
    except (ValueError, KeyError, IndexError):
        raise ValidationError({"period": _("报告期格式不正确。")}) from None
    if period.kind != form.period_kind:
        raise ValidationError({"period": _("该报表的报告期是%(k)s。") % {"k": form.get_period_kind_display()}})
    return period


@transaction.atomic
def report_open(*, form: FormDefinition, period: Period, by: User) -> Report:
    """The user's unit's report of this form and period, created as a draft if new."""
    unit = by.unit
    _must_fill(by, unit)
    if not form.active:
        raise ValidationError(_("该报表已停用。"))
    if unit.level not in form.level_list:
        raise ValidationError(_("本单位不填报该报表（填报层级：%(l)s）。") % {"l": form.level_labels()})
    if not OrgUnit.objects.filter(pk=unit.pk).active_during(period.start, period.end).exists():
        raise ValidationError(_("本单位在该报告期内不存在，不能填报。"))
    if period.start > timezone.localdate():
        raise ValidationError({"period": _("报告期尚未开始。")})
    report, created = Report.objects.get_or_create(form=form, unit=unit, period_key=period.key)
    if created:
        audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=report, unit=unit)
    return report


class Conflict(ValidationError):
    """Someone else saved the report first: `differences` lists (cell, theirs, yours)."""

    def __init__(self, differences):
        super().__init__(_("他人已先保存了这张报表，您的修改没有保存。请核对下面的差异后重新填写。"))
        self.differences = differences


@transaction.atomic
def report_save(*, report: Report, version: int, entries: dict[str, Entry], by: User) -> Report:
    """Store the typed figures of the report. `entries` holds every editable cell (by code).
    An override of a metric-backed figure needs a comment; nothing is written when any cell
    is refused or when somebody saved since `version` was read."""
    _must_fill(by, report.unit)
    locked = Report.objects.select_for_update().get(pk=report.pk)
    if not locked.editable:
        raise ValidationError(_("已上报或已审核的报表不能修改。"))
    cells = [c for c in report.form.cells.all() if not c.computed]
    stored = {v.cell_id: v for v in locked.values.all()}
    live = live_values(cells, [report.unit], report.period)[report.unit.pk]
    current = effective_entries(cells, stored, live)
    if version != locked.version:
        differences = [(c, current[c.code].text, entries[c.code].text) for c in cells
                       if c.code in entries and (current[c.code].state, current[c.code].number)
                       != (entries[c.code].state, entries[c.code].number)]
        raise Conflict(differences)
    errors = []
    for cell in cells:
        new = entries.get(cell.code)
        if new is None:
            continue
        if cell.code in live and (new.state, new.number) != live_pair(live[cell.code]) and not new.comment.strip():
            errors.append(_("“%(c)s”：改动系统取数（%(v)s）需填写说明。") % {
                "c": cell, "v": Entry(*live_pair(live[cell.code])).text})
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changes = {}
    for cell in cells:
        new = entries.get(cell.code)
        if new is None:
            continue
        old = current[cell.code]
        value = stored.get(cell.pk)
        follows_metric = cell.code in live and (new.state, new.number) == live_pair(live[cell.code])
        if follows_metric:
            # The system's figure: follow the count; a 说明 (say, why it changed so much) is kept
            # on a value that is not an override.
            if not new.comment.strip():
                if value is not None:
                    value.delete()
            elif value is None:
                Value.objects.create(report=report, cell=cell, state=new.state, number=new.number,
                                     comment=new.comment, overridden=False)
            elif (value.state, value.number, value.comment, value.overridden) != (
                    new.state, new.number, new.comment, False):
                value.state, value.number, value.comment, value.overridden = new.state, new.number, new.comment, False
                value.save()
        elif value is None:
            Value.objects.create(report=report, cell=cell, state=new.state, number=new.number, comment=new.comment,
                                 overridden=cell.code in live)
        elif (value.state, value.number, value.comment) != (new.state, new.number, new.comment):
            value.state, value.number, value.comment = new.state, new.number, new.comment
            value.overridden = cell.code in live
            value.save()
        if (old.state, old.number) != (new.state, new.number):
            ValueChange.objects.create(report=report, cell=cell, at=now, by=by, old=old.text, new=new.text,
                                       comment=new.comment[:300])
            changes[str(cell)] = [old.text, new.text]
        if old.comment.strip() != new.comment.strip():
            changes[_("%(c)s·说明") % {"c": cell}] = [old.comment, new.comment]
    locked.version += 1
    locked.save(update_fields=["version"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=locked, unit=report.unit, changes=changes)
    report.version = locked.version
    return locked


def _event(report: Report, kind: str, by, reason: str = "") -> None:
    Event.objects.create(report=report, kind=kind, at=timezone.now(), by=by, reason=reason)
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=report, unit=report.unit,
                 changes={"status": [None, report.status], **({"reason": reason} if reason else {})})


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("form", "unit").get(pk=report.pk)


def _release_frozen(report: Report) -> None:
    """Back to the unit: figures that were only the system's count at submission follow the
    count again; what was typed stays."""
    followed = [c.pk for c in report.form.cells.all() if c.metric is not None or c.computed]
    Value.objects.filter(report=report, overridden=False, cell__in=followed, comment="").delete()


@transaction.atomic
def report_submit(*, report: Report, by: User) -> Report:
    """Check the report and send it upward; its figures are frozen as they are now: every
    metric-backed cell gets today's count stored beside what was typed."""
    _must_fill(by, report.unit)
    report = _lock(report)
    if not report.editable:
        raise ValidationError(_("该报表已上报或已审核。"))
    page = sheet(form=report.form, unit=report.unit, period=report.period, report=report)
    blocking = [p for p in page.problems if p.blocking]
    if blocking:
        raise ValidationError([p.message + (_("（请在该指标的说明中写明原因）") if p.needs_explanation else "")
                               for p in blocking])
    stored = {v.cell_id: v for v in report.values.all()}
    Value.objects.bulk_create([Value(report=report, cell=line.cell, state=line.entry.state, number=line.entry.number)
                               for line in page.lines if line.cell.pk not in stored])
    # A system figure kept only for its 说明 is frozen at today's count, like the others.
    counted = [v for line in page.lines if (v := stored.get(line.cell.pk)) is not None and not v.overridden
               and (v.state, v.number) != (line.entry.state, line.entry.number)]
    for value in counted:
        line = next(line for line in page.lines if line.cell.pk == value.cell_id)
        value.state, value.number = line.entry.state, line.entry.number
    Value.objects.bulk_update(counted, ["state", "number"])
    report.status = Status.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), by
    report.return_reason = report.absent_reason = ""
    report.version += 1
    report.save()
    _event(report, Event.Kind.SUBMIT, by)
    return report


def _must_oversee(user, report: Report, perm: str) -> None:
    if not user.has_perm_name(perm):
        raise PermissionDenied
    if user.unit_id == report.unit_id or not report.unit.path.startswith(user.unit.path):
        raise ValidationError(_("只有上级单位可以审核本单位的报表。"))


def pending_below(*, report: Report) -> list[OrgUnit]:
    """Units below the report's unit that fill the form at the next level down, existed during
    the period, and are not yet approved."""
    form, unit, period = report.form, report.unit, report.period
    lower = [level for level in form.level_list if LEVEL_RANK[level] > LEVEL_RANK[unit.level]]
    if not lower:
        return []
    below = OrgUnit.objects.filter(path__startswith=unit.path, level=lower[0]).active_during(period.start, period.end)
    # Approved, or marked 未收到 by the unit above them: neither holds the approval up.
    done = set(Report.objects.filter(form=form, period_key=period.key, status__in=[Status.APPROVED, Status.ABSENT],
                                     unit__in=below).values_list("unit_id", flat=True))
    return [u for u in below.order_by("code") if u.pk not in done and owes(form, u, period)]


def _absent_text(absent: list[Report]) -> str:
    return _("未收到：%(u)s") % {"u": "、".join(f"{r.unit.name}（{r.absent_reason}）" for r in absent)}


@transaction.atomic
def report_approve(*, report: Report, by: User) -> Report:
    """Approve a submitted report once every unit below is approved or marked 未收到; those are named
    on the approval."""
    report = _lock(report)
    _must_oversee(by, report, "approve_forms")
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("只能审核已上报的报表。"))
    waiting = pending_below(report=report)
    if waiting:
        raise ValidationError(_("下级单位的报表尚未全部审核通过：%(u)s（未报的可由其上级标记为“未收到”）。") % {
            "u": "、".join(u.name for u in waiting)})
    report.status = Status.APPROVED
    report.approved_at, report.approved_by = timezone.now(), by
    report.save()
    absent = absent_reports(report.form, report.unit, report.period)
    _event(report, Event.Kind.APPROVE, by, _absent_text(absent)[:300] if absent else "")
    return report


@transaction.atomic
def reports_approve(*, reports: list[Report], by: User) -> list[Report]:
    """批量审核: every report approved (each audited, each with its own approval step), or none when one
    cannot be — the message names it."""
    approved = []
    for report in reports:
        try:
            approved.append(report_approve(report=report, by=by))
        except ValidationError as exc:
            raise ValidationError(_("%(u)s %(f)s（%(p)s）：%(m)s 本次没有审核任何报表。") % {
                "u": report.unit.name, "f": report.form.name, "p": report.period.label,
                "m": "".join(exc.messages)}) from None
    return approved


def _must_oversee_unit(user, unit: OrgUnit) -> None:
    if not user.has_perm_name("approve_forms"):
        raise PermissionDenied
    if user.unit_id == unit.pk or not unit.path.startswith(user.unit.path):
        raise ValidationError(_("只有上级单位可以办理。"))


@transaction.atomic
def report_mark_absent(*, by: User, form: FormDefinition, unit: OrgUnit, period: Period, reason: str) -> Report:
    """未收到: the unit above records that a unit below never sent its report, and why; the report above
    may then be approved without it (the unit is named there and on the summary). The unit can still
    fill and send it."""
    _must_oversee_unit(by, unit)
    if not owes(form, unit, period):
        raise ValidationError(_("%(u)s不需要填报该期报表。") % {"u": unit.name})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写未收到的原因。")})
    report, created = Report.objects.get_or_create(form=form, unit=unit, period_key=period.key)
    report = _lock(report)
    if report.status in LOCKED:
        raise ValidationError(_("%(u)s已上报该报表，请审核或退回。") % {"u": unit.name})
    report.status, report.absent_reason = Status.ABSENT, reason.strip()[:300]
    report.save()
    _event(report, Event.Kind.ABSENT, by, report.absent_reason)
    return report


@transaction.atomic
def report_remind(*, by: User, form: FormDefinition, unit: OrgUnit, period: Period) -> Reminder:
    """催报: a reminder to a unit below of a report it owes and has not sent; it shows on that unit's 待办."""
    _must_oversee_unit(by, unit)
    if not owes(form, unit, period):
        raise ValidationError(_("%(u)s不需要填报该期报表。") % {"u": unit.name})
    if Report.objects.filter(form=form, unit=unit, period_key=period.key, status__in=LOCKED).exists():
        raise ValidationError(_("%(u)s已上报该报表，无需催报。") % {"u": unit.name})
    reminder = Reminder.objects.create(form=form, unit=unit, period_key=period.key, at=timezone.now(), by=by)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=reminder, unit=unit,
                 changes={"form": form.name, "period": period.label})
    return reminder


@transaction.atomic
def report_return(*, report: Report, reason: str, by: User) -> Report:
    report = _lock(report)
    _must_oversee(by, report, "approve_forms")
    if report.status != Status.SUBMITTED:
        raise ValidationError(_("只能退回已上报、尚未审核的报表；已审核的报表须先解锁。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写退回原因。")})
    report.status, report.return_reason = Status.RETURNED, reason.strip()
    report.save()
    _release_frozen(report)
    _event(report, Event.Kind.RETURN, by, reason.strip())
    return report


@transaction.atomic
def report_unlock(*, report: Report, reason: str, by: User) -> Report:
    """An approved report back to its unit for correction (returned, with the reason logged)."""
    report = _lock(report)
    _must_oversee(by, report, "unlock_forms")
    if report.status != Status.APPROVED:
        raise ValidationError(_("只有已审核的报表需要解锁。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写解锁原因。")})
    report.status, report.return_reason = Status.RETURNED, reason.strip()
    report.approved_at = report.approved_by = None
    report.save()
    _release_frozen(report)
    _event(report, Event.Kind.UNLOCK, by, reason.strip())
    _reopen_above(report, by)
    return report


def _above_paths(unit: OrgUnit) -> list[str]:
    parts = unit.path.rstrip("/").split("/")
    return ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]


def _reopen_above(report: Report, by) -> None:
    """A report unlocked below: the approved reports of the same form and period above it were
    approved on figures that may now change, so they go back to their units too (returned, with
    the reason logged), to be checked and sent again after the unit below."""
    above = Report.objects.select_for_update().select_related("form", "unit").filter(
        form=report.form, period_key=report.period_key, status=Status.APPROVED,
        unit__path__in=_above_paths(report.unit))
    reason = _("下级单位（%(u)s）的报表已解锁修改，请核对后重新上报。") % {"u": report.unit.name}
    for upper in above:
        upper.status, upper.return_reason = Status.RETURNED, reason
        upper.approved_at = upper.approved_by = None
        upper.save()
        _release_frozen(upper)
        _event(upper, Event.Kind.UNLOCK, by, reason)

