"""Rights figures for the metrics registry (planning, statistical forms, the rights statistics page).

Every figure is defined once, here. A case is counted under its handling unit (`Case.unit`), a
mediation session under its case's handling unit and a monthly screening under its village, so a
county's value is the sum of its townships' (plus any case the county handles itself). The period
is the date that defines the figure: received date for 收到, acceptance date for 受理, close date
for 办结 and satisfaction, application and grant dates for a protection order, session date for
mediation, the report's month for screening. Every figure is FLOW (a finished period's figure
never moves) except the risk levels, which are the latest assessment 至今 and say so.

The rates are over additive parts:
- 办结率 = cases accepted in the period and closed by the period's end / cases accepted in the
  period (a closing in a later period never moves a finished period's rate);
- 按期办结率 = cases closed in the period on or before their (possibly extended) deadline / cases
  closed in the period;
- 满意率 = cases closed in the period whose petitioner said she was satisfied / cases closed in the
  period whose petitioner was asked.

`records(user, unit, period)` returns what the user may open under the rights rules (the case
list's visibility: handling unit's authorised roles, county rights officers, a village director's
own cases); `columns` never show a 保密 petitioner's name nor a minor's.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from banbiantian.core.access import scope, unit_subtree_ids
from banbiantian.core.metrics import COUNT, FLOW, RATE, TO_DATE, Metric, register, subtree_values

from .models import Case, DisputeScreening, MediationSession, RiskLevel, Status

PERMISSION = "view_rights_cases"


@dataclass(frozen=True)
class Span:
    """Any inclusive date range where a Period is expected (the statistics page's free dates)."""

    start: datetime.date
    end: datetime.date


# --- cases: key -> (label, date field that places it in a period, filter, help, basis) -------------
# The filter is a Q, or a callable (start, end) -> Q for a condition that depends on the period.

def _closed_by_end(start, end) -> Q:
    # Closed by the period's end: a closing recorded after the period never moves its figure.
    return Q(closed_on__lte=end)


CASE_FIGURES: dict[str, tuple] = {
    "rights.cases_received": (_("收到信访件"), "received_on", Q(), _("按收到日期；每件登记的信访都计入。"), FLOW),
    "rights.cases_accepted": (_("受理件"), "accepted_on", Q(), _("按受理日期。"), FLOW),
    "rights.cases_rejected": (_("不予受理件"), "replied_on", Q(status=Status.REJECTED),
                              _("按告知日期，含交办异议退回。"), FLOW),
    "rights.cases_accepted_closed": (_("受理后期内办结件"), "accepted_on", _closed_by_end,
                                     _("本期受理、并在本期结束前办结的案件（办结率的分子）；期后才办结的不计入本期。"),
                                     FLOW),
    "rights.cases_closed": (_("办结件"), "closed_on", Q(), _("按办结日期。"), FLOW),
    "rights.cases_closed_on_time": (_("按期办结件"), "closed_on", Q(closed_on__lte=F("close_due")),
                                    _("按办结日期，办结日期不晚于办结期限（含批准的延期）。"), FLOW),
    "rights.satisfaction_asked": (_("征询满意度件"), "closed_on", Q(satisfied__isnull=False),
                                  _("按办结日期，办结时已征询当事人是否满意的办结件。"), FLOW),
    "rights.cases_satisfied": (_("当事人满意件"), "closed_on", Q(satisfied=True), _("按办结日期。"), FLOW),
    "rights.cases_repeat": (_("重复信访件"), "received_on", Q(is_repeat=True),
                            _("按收到日期，登记时标记为与前案同一事项的案件。"), FLOW),
    "rights.cases_skip_level": (_("越级信访件"), "received_on", Q(skip_level=True), _("按收到日期。"), FLOW),
    "rights.dv_cases": (_("收到家庭暴力案件"), "received_on", Q(is_dv=True), _("按收到日期。"), FLOW),
    "rights.dv_cases_accepted": (_("受理家庭暴力案件"), "accepted_on", Q(is_dv=True), _("按受理日期。"), FLOW),
    # The risk level is the case's latest assessment, which may come after the period: 至今.
    **{f"rights.dv_risk_{level}": (_("收到家庭暴力案件（%(l)s风险，按至今最近一次评估）") % {"l": label}
                                   if level != RiskLevel.DANGER else _("收到家庭暴力案件（危险级，按至今最近一次评估）"),
                                   "received_on", Q(is_dv=True, risk_level=level),
                                   _("按收到日期；风险等级按至今最近一次评估，期后重新评估会改变本期数字。"), TO_DATE)
       for level, label in RiskLevel.choices},
    "rights.warnings_issued": (_("公安机关出具告诫书"), "warning_issued_on", Q(), _("按出具日期。"), FLOW),
    "rights.protection_orders_applied": (_("协助申请人身安全保护令"), "order_applied_at__date", Q(),
                                         _("按向法院提出申请的日期。"), FLOW),
    "rights.protection_orders_granted": (_("法院签发人身安全保护令"), "order_granted_on", Q(), _("按签发日期。"), FLOW),
}


def _in(field: str, start, end) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lte": end})


def _case_q(key: str, start, end) -> Q:
    _label, field, condition, _help, _basis = CASE_FIGURES[key]
    return _in(field, start, end) & (condition(start, end) if callable(condition) else condition)


def case_values(key: str):
    def values(units, period):
        return subtree_values(Case.objects.filter(_case_q(key, period.start, period.end)), "unit__path", units)

    return values


def case_figures(unit, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Every case figure for one unit (and below) in one query: the statistics page's totals."""
    fields = {CASE_FIGURES[key][1] for key in CASE_FIGURES}
    within = Q()
    for field in sorted(fields):
        within |= _in(field, start, end)
    qs = Case.objects.filter(unit__in=unit_subtree_ids(unit)).filter(within).order_by()
    found = qs.aggregate(**{f"f{i}": Count("pk", filter=_case_q(key, start, end)) for i, key in enumerate(CASE_FIGURES)})
    return {key: found[f"f{i}"] or 0 for i, key in enumerate(CASE_FIGURES)}


def received_cases(unit, start: datetime.date, end: datetime.date):
    """The cases `rights.cases_received` counts, for one unit and below (for breakdowns)."""
    return Case.objects.filter(_case_q("rights.cases_received", start, end), unit__in=unit_subtree_ids(unit)).order_by()


def masked_name(case: Case) -> str:
    """The petitioner as a drill-down list shows her: never a confidential case's name, never a minor's."""
    from .selectors import petitioner_label

    return petitioner_label(case)


CASE_COLUMNS = (
    (_("案件编号"), lambda c: c.number),
    (_("承办单位"), lambda c: c.unit.name),
    (_("当事人"), masked_name),
    (_("类别"), lambda c: c.category.name),
    (_("收到日期"), lambda c: c.received_on),
    (_("状态"), lambda c: c.get_status_display()),
    (_("办结日期"), lambda c: c.closed_on or ""),
)


def _visible_cases(user, unit):
    from .selectors import case_list

    return case_list(user=user, filters={"unit": unit})


def case_records(key: str):
    def records(user, unit, period):
        return _visible_cases(user, unit).filter(_case_q(key, period.start, period.end))

    return records


for _key, (_label, _field, _condition, _help, _basis) in CASE_FIGURES.items():
    register(Metric(_key, _label, _("件"), "rights", kind=COUNT, values=case_values(_key),
                    records=case_records(_key), columns=CASE_COLUMNS, permission=PERMISSION, help_text=_help,
                    basis=_basis))


# --- mediation -------------------------------------------------------------------------------------

def _mediations(condition: Q):
    def values(units, period):
        qs = MediationSession.objects.filter(condition, held_on__gte=period.start, held_on__lte=period.end)
        return subtree_values(qs, "case__unit__path", units)

    def records(user, unit, period):
        from .selectors import visible_records

        qs = MediationSession.objects.filter(condition, case__unit__in=unit_subtree_ids(unit),
                                             held_on__gte=period.start, held_on__lte=period.end)
        return (visible_records(qs, user, "case")
                .select_related("case", "case__petitioner").order_by("held_on", "id"))

    return values, records


MEDIATION_COLUMNS = (
    (_("调解日期"), lambda m: m.held_on),
    (_("案件编号"), lambda m: m.case.number),
    (_("当事人"), lambda m: masked_name(m.case)),
    (_("调解员"), lambda m: m.mediators),
    (_("达成协议"), lambda m: _("是") if m.agreement_reached else _("否")),
)

# 婚姻家庭纠纷: a case of the 婚姻家庭纠纷 category or a family-violence case (the categories of
# migration 0002: property, land, labour … are other disputes, mediated too).
FAMILY = Q(case__category__code="marriage") | Q(case__category__is_domestic_violence=True) | Q(case__is_dv=True)

for _key, _label, _condition, _help in (
        ("rights.mediation_sessions", _("矛盾纠纷调解（各类案件，次）"), Q(),
         _("按调解日期，各类案件的调解都计入（婚姻家庭、土地、劳动……）。")),
        ("rights.mediation_agreements", _("调解达成协议（各类案件）"), Q(agreement_reached=True), _("按调解日期。")),
        ("rights.family_mediation_sessions", _("婚姻家庭纠纷调解（次）"), FAMILY,
         _("按调解日期，类别为婚姻家庭纠纷或属于家庭暴力的案件的调解。")),
        ("rights.family_mediation_agreements", _("婚姻家庭纠纷调解达成协议"), FAMILY & Q(agreement_reached=True),
         _("按调解日期。"))):
    _values, _records = _mediations(_condition)
    register(Metric(_key, _label, _("次"), "rights", kind=COUNT, values=_values, records=_records,
                    columns=MEDIATION_COLUMNS, permission=PERMISSION, help_text=_help, basis=FLOW))


# --- monthly dispute screening ---------------------------------------------------------------------

def _screening(field: str | None):
    def values(units, period):
        qs = DisputeScreening.objects.filter(month__gte=period.start, month__lte=period.end)
        return subtree_values(qs, "unit__path", units, Sum(field) if field else None)

    def records(user, unit, period):
        qs = DisputeScreening.objects.filter(unit__in=unit_subtree_ids(unit), month__gte=period.start,
                                             month__lte=period.end)
        if field:
            qs = qs.filter(**{f"{field}__gt": 0})
        return scope(qs, user, "register_rights_cases").select_related("unit").order_by("month", "unit__path")

    return values, records


SCREENING_COLUMNS = (
    (_("村(社区)"), lambda s: s.unit.name),
    (_("月份"), lambda s: s.month.strftime("%Y-%m")),
    (_("排查发现"), lambda s: s.found),
    (_("化解"), lambda s: s.resolved),
    (_("上报"), lambda s: s.escalated),
)

for _key, _label, _unit, _field in (
        ("rights.screening_reports", _("矛盾纠纷排查报告（村·月）"), _("个"), None),
        ("rights.screening_found", _("排查发现矛盾纠纷"), _("件"), "found"),
        ("rights.screening_resolved", _("排查化解矛盾纠纷"), _("件"), "resolved"),
        ("rights.screening_escalated", _("排查上报矛盾纠纷"), _("件"), "escalated")):
    _values, _records = _screening(_field)
    register(Metric(_key, _label, _unit, "rights", kind=COUNT, values=_values, records=_records,
                    columns=SCREENING_COLUMNS, permission=PERMISSION,
                    help_text=_("按排查月份，各村每月一报；“未发现”也是一份报告。"), basis=FLOW))


# --- rates -----------------------------------------------------------------------------------------

RATES = {
    "rights.handled_rate": (_("办结率"), "rights.cases_accepted_closed", "rights.cases_accepted"),
    "rights.on_time_rate": (_("按期办结率"), "rights.cases_closed_on_time", "rights.cases_closed"),
    "rights.satisfaction_rate": (_("满意率"), "rights.cases_satisfied", "rights.satisfaction_asked"),
    "rights.screening_resolved_rate": (_("矛盾纠纷化解率"), "rights.screening_resolved", "rights.screening_found"),
}

for _key, (_label, _numerator, _denominator) in RATES.items():
    _part = {"rights.screening_resolved": _screening("resolved")[1]}.get(_numerator) or case_records(_numerator)
    register(Metric(_key, _label, "%", "rights", kind=RATE, numerator=_numerator, denominator=_denominator,
                    records=_part, columns=SCREENING_COLUMNS if "screening" in _key else CASE_COLUMNS,
                    permission=PERMISSION, basis=FLOW))
