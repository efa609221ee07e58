"""Writes to plans and targets. Every function is atomic and audited in the same transaction.

Only a unit's own users with edit_plans write its plan; a target handed down by the unit above
(`parent`) is changed only by re-splitting it there. Manual actuals (手工填报) are typed by the
plan's own unit (edit_plans or fill_forms), with who and when kept on the target.
"""

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banbiantian.core import audit, metrics
from banbiantian.core.metrics import AMOUNT, COUNT, RATE, Period
from banbiantian.core.models import AuditEntry, OrgUnit, User
from banbiantian.lib.errors import Errors

from .models import Comparison, Plan, SplitMode, Target, format_number
from .selectors import split_units

MAX_VALUE = Decimal("999999999999")
TARGET_FIELDS = ["metric_key", "comparison", "value", "label", "measure_unit", "note", "sort"]
# What a county may split "in proportion to": registry figures every township has.
SPLIT_BASES = {
    "people.women": gettext_lazy("按登记妇女人数"),
    "people.persons": gettext_lazy("按登记人员数"),
    "people.households": gettext_lazy("按登记户数"),
    "last_year": gettext_lazy("按该指标上年实际"),
}


def _own_plan(by, plan: Plan, perms=("edit_plans",)) -> None:
    if plan.unit_id != by.unit_id or not any(by.has_perm_name(p) for p in perms):
        raise PermissionDenied


def clean_number(*, value: object, field: str, label: str) -> Decimal:
    """A non-negative number with at most two decimals, or a ValidationError naming the field."""
    if value in (None, ""):
        raise ValidationError({field: _("%(label)s不能为空。") % {"label": label}})
    if isinstance(value, float):
        value = str(value)
    try:
        number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise ValidationError({field: _("%(label)s必须是数字。") % {"label": label}}) from None
    if not number.is_finite():
        raise ValidationError({field: _("%(label)s必须是数字。") % {"label": label}})
    if number < 0:
        raise ValidationError({field: _("%(label)s不能是负数。") % {"label": label}})
    if number > MAX_VALUE:
        raise ValidationError({field: _("%(label)s过大。") % {"label": label}})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError({field: _("%(label)s最多保留两位小数。") % {"label": label}})
    return number.quantize(Decimal("0.01"))


def _check_kind(*, metric, comparison: str, value: Decimal, field: str = "value", label: str = "") -> None:
    """The value fits the figure: a rate is a percentage, a count a whole number."""
    label = label or _("目标值")
    is_rate = comparison == Comparison.RATE_GTE or (metric is not None and metric.kind == RATE)
    if is_rate and value > 100:
        raise ValidationError({field: _("%(label)s是百分比，不能超过100。") % {"label": label}})
    if metric is not None and metric.kind == COUNT and value != value.to_integral_value():
        raise ValidationError({field: _("%(label)s是%(unit)s数，必须是整数。") % {"label": label, "unit": metric.unit}})


def _clean_target(data: dict) -> dict:
    key = (data.get("metric_key") or "").strip()
    comparison = data.get("comparison") or Comparison.GTE
    if comparison not in Comparison.values:
        raise ValidationError({"comparison": _("比较方式无效。")})
    metric = None
    label = (data.get("label") or "").strip()
    measure_unit = (data.get("measure_unit") or "").strip()
    if key:
        try:
            metric = metrics.get(key)
        except KeyError:
            raise ValidationError({"metric_key": _("统计指标不存在，请从列表中选择。")}) from None
        if metric.kind == RATE and comparison in (Comparison.GTE, Comparison.EQ):
            raise ValidationError({"comparison": _("“%(m)s”是比率，请选择“比率不低于”或“不超过”。") % {"m": metric.label}})
        if metric.kind != RATE and comparison == Comparison.RATE_GTE:
            raise ValidationError({"comparison": _("“%(m)s”不是比率，不能选择“比率不低于”。") % {"m": metric.label}})
        label, measure_unit = "", ""
    errors = Errors()  # every bad field at once
    if not key:
        if not label:
            errors.add("label", _("目标名称不能为空：不选统计指标时为手工填报目标，须写明名称。"))
        if not measure_unit:
            errors.add("measure_unit", _("计量单位不能为空（如：人、次、场、%）。"))
        if comparison == Comparison.RATE_GTE:
            measure_unit = "%"
    value = None
    with errors.collect():
        value = clean_number(value=data.get("value"), field="value", label=_("目标值"))
    errors.raise_if_any()
    _check_kind(metric=metric, comparison=comparison, value=value)
    sort = data.get("sort")
    return {"metric_key": key, "comparison": comparison, "value": value, "label": label[:100],
            "measure_unit": measure_unit[:10], "note": (data.get("note") or "").strip()[:200],
            "sort": int(sort) if sort not in (None, "") else 100}


@transaction.atomic
def plan_create(*, by: User, unit: OrgUnit, year: int) -> Plan:
    if not by.has_perm_name("edit_plans") or by.unit_id != unit.pk:
        raise PermissionDenied
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("年度无效。")})
    if Plan.objects.filter(unit=unit, year=year).exists():
        raise ValidationError({"year": _("%(unit)s%(year)s年的计划已经存在。") % {"unit": unit.name, "year": year}})
    plan = Plan.objects.create(unit=unit, year=year, created_by=by)
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=plan, changes=audit.snapshot(plan, ["unit", "year"]))
    return plan


@transaction.atomic
def target_create(*, by: User, plan: Plan, value: Decimal | int | str, metric_key: str = "",
                  comparison: str = Comparison.GTE, label: str = "", measure_unit: str = "", note: str = "",
                  sort: int | None = None) -> Target:
    """A target counted by a registered figure (`metric_key`), or typed by hand (a `label` and its
    `measure_unit`, no metric)."""
    _own_plan(by, plan)
    target = Target.objects.create(plan=plan, **_clean_target(dict(
        metric_key=metric_key, comparison=comparison, value=value, label=label, measure_unit=measure_unit,
        note=note, sort=sort)))
    audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=target, unit=plan.unit,
                 changes=audit.snapshot(target, TARGET_FIELDS))
    return target


def _handed_down(target: Target) -> None:
    if target.parent_id:
        raise ValidationError(_("该目标由上级单位下达，只能由上级单位修改或重新分解。"))


@transaction.atomic
def target_update(*, by: User, target: Target, value: Decimal | int | str, metric_key: str = "",
                  comparison: str = Comparison.GTE, label: str = "", measure_unit: str = "", note: str = "",
                  sort: int | None = None) -> Target:
    """The whole target is rewritten from the arguments, as target_create takes them."""
    _own_plan(by, target.plan)
    _handed_down(target)
    cleaned = _clean_target(dict(metric_key=metric_key, comparison=comparison, value=value, label=label,
                                 measure_unit=measure_unit, note=note, sort=sort))
    before = audit.snapshot(target, TARGET_FIELDS)
    if target.is_manual != (not cleaned["metric_key"]):
        target.actual, target.actual_by, target.actual_at = None, None, None
    for name, value in cleaned.items():
        setattr(target, name, value)
    target.save()
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=target, unit=target.plan.unit,
                 changes=audit.diff(before, audit.snapshot(target, TARGET_FIELDS)))
    # What the target counts travels down to its splits; their values stay as split.
    for split in target.splits.select_related("plan__unit"):
        split_before = audit.snapshot(split, TARGET_FIELDS)
        for name in ("metric_key", "comparison", "label", "measure_unit"):
            setattr(split, name, cleaned[name])
        split.save()
        changes = audit.diff(split_before, audit.snapshot(split, TARGET_FIELDS))
        if changes:
            audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=split, unit=split.plan.unit, changes=changes)
    return target


@transaction.atomic
def target_delete(*, by: User, target: Target) -> None:
    _own_plan(by, target.plan)
    _handed_down(target)
    for split in target.splits.select_related("plan__unit"):
        audit.record(actor=by, action=AuditEntry.Action.DELETE, obj=split, unit=split.plan.unit,
                     changes=audit.snapshot(split, TARGET_FIELDS))
    audit.record(actor=by, action=AuditEntry.Action.DELETE, obj=target, unit=target.plan.unit,
                 changes=audit.snapshot(target, TARGET_FIELDS))
    target.delete()


@transaction.atomic
def target_report_actual(*, by: User, target: Target, actual: Decimal | int | str) -> Target:
    """The actual of a manually reported target, typed by the plan's own unit."""
    _own_plan(by, target.plan, perms=("edit_plans", "fill_forms"))
    if not target.is_manual:
        raise ValidationError(_("该目标的实际完成数由系统根据登记的工作自动统计，不能手工填写。"))
    if not target.is_rate and target.splits.exists():
        # A count is the sum of what the units below report; a rate cannot be added up or
        # averaged, so the unit reports its own rate beside theirs.
        raise ValidationError(_("该目标已分解到下级单位，实际完成数由各单位填报后汇总。"))
    number = clean_number(value=actual, field="actual", label=_("实际完成"))
    _check_kind(metric=None, comparison=target.comparison, value=number, field="actual", label=_("实际完成"))
    before = audit.snapshot(target, ["actual"])
    target.actual, target.actual_by, target.actual_at = number, by, timezone.now()
    target.save(update_fields=["actual", "actual_by", "actual_at", "updated_at"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=target, unit=target.plan.unit,
                 changes=audit.diff(before, audit.snapshot(target, ["actual"])))
    return target


# --- splitting a target to the townships --------------------------------------------------------------

def largest_remainder(*, total: Decimal, weights: list, quantum: Decimal) -> list[Decimal]:
    """Shares of `total` in proportion to `weights`, in steps of `quantum`, adding up exactly:
    each share rounded down, the steps left over going to the largest remainders (ties: first)."""
    weight_sum = sum(Decimal(w) for w in weights)
    steps = int(total / quantum)
    exact = [Decimal(w) * steps / weight_sum for w in weights]
    floors = [e.to_integral_value(ROUND_DOWN) for e in exact]
    left = steps - int(sum(floors))
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [(f * quantum).quantize(Decimal("0.01")) for f in floors]


def _quantum(target: Target) -> Decimal:
    metric = target.metric
    if metric is not None:
        return Decimal("0.01") if metric.kind == AMOUNT else Decimal(1)
    return Decimal(1) if target.value == target.value.to_integral_value() else Decimal("0.01")


def split_shares(*, target: Target, units: list, mode: str, values: dict | None = None,
                 basis: str = "") -> list:
    """The value each unit gets; a ValidationError in Chinese when the split cannot be made."""
    if target.is_rate:
        if mode == SplitMode.SAME:
            return [target.value] * len(units)
        if mode != SplitMode.MANUAL:
            raise ValidationError({"mode": _("比率目标不能相加，请选择“各乡镇相同”或逐个乡镇填写。")})
    if mode == SplitMode.MANUAL:
        shares = []
        for unit in units:
            field = f"unit_{unit.pk}"
            number = clean_number(value=(values or {}).get(unit.pk), field=field, label=unit.name)
            _check_kind(metric=target.metric, comparison=target.comparison, value=number, field=field,
                        label=unit.name)
            shares.append(number)
        total = sum(shares, Decimal(0))
        if not target.is_rate and total != target.value:
            raise ValidationError(_("各乡镇分解数之和（%(sum)s）与本级目标值（%(value)s）不一致，请调整后再保存。") % {
                "sum": format_number(total), "value": target.value_text})
        return shares
    if mode == SplitMode.EVEN:
        return largest_remainder(total=target.value, weights=[1] * len(units), quantum=_quantum(target))
    if mode == SplitMode.PROPORTIONAL:
        if basis == "last_year":
            if target.metric is None:
                raise ValidationError({"basis": _("手工填报目标没有上年统计数，请选择其他分解依据。")})
            key, period = target.metric_key, Period("year", target.plan.year - 1)
        elif basis in SPLIT_BASES:
            key, period = basis, Period("year", target.plan.year)
        else:
            raise ValidationError({"basis": _("请选择按比例分解的依据。")})
        found = metrics.compute([key], units, period)[key]
        weights = [found[u.pk] for u in units]
        if not sum(weights):
            raise ValidationError({"basis": _("分解依据在各乡镇都是0，无法按比例分解，请选择其他依据。")})
        return largest_remainder(total=target.value, weights=weights, quantum=_quantum(target))
    raise ValidationError({"mode": _("分解方式无效。")})


@transaction.atomic
def target_split(*, by: User, target: Target, mode: str, values: dict | None = None,
                 basis: str = "") -> list[Target]:
    """Give each township of the plan's unit its part of `target` (creating their plans as
    needed); the parts add up to the target, except for rates, which cannot be added."""
    _own_plan(by, target.plan)
    _handed_down(target)
    plan = target.plan
    units = split_units(plan.unit, plan.year)
    if not units:
        raise ValidationError(_("本单位没有可分解的下级乡镇(街道)。"))
    shares = split_shares(target=target, units=units, mode=mode, values=values, basis=basis)
    existing = {s.plan.unit_id: s for s in target.splits.select_related("plan__unit")}
    plans = {p.unit_id: p for p in Plan.objects.filter(unit__in=units, year=plan.year)}
    made = []
    for unit, share in zip(units, shares, strict=True):
        child_plan = plans.get(unit.pk)
        if child_plan is None:
            child_plan = Plan.objects.create(unit=unit, year=plan.year, created_by=by)
            audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=child_plan,
                         changes=audit.snapshot(child_plan, ["unit", "year"]))
        split = existing.get(unit.pk)
        values_now = {"metric_key": target.metric_key, "comparison": target.comparison, "value": share,
                      "label": target.label, "measure_unit": target.measure_unit, "sort": target.sort,
                      "split_mode": mode}
        if split is None:
            split = Target.objects.create(plan=child_plan, parent=target, **values_now)
            audit.record(actor=by, action=AuditEntry.Action.CREATE, obj=split, unit=unit,
                         changes=audit.snapshot(split, TARGET_FIELDS))
        else:
            before = audit.snapshot(split, TARGET_FIELDS)
            for name, value in values_now.items():
                setattr(split, name, value)
            split.save()
            audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=split, unit=unit,
                         changes=audit.diff(before, audit.snapshot(split, TARGET_FIELDS)))
        made.append(split)
    target.split_mode = mode
    target.save(update_fields=["split_mode", "updated_at"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=target, unit=plan.unit,
                 changes={"split_mode": [None, mode],
                          "splits": {u.name: str(s) for u, s in zip(units, shares, strict=True)}})
    return made
