"""The care list pages as data: what each list shows (its filters read from the request, the
user's scope) and the columns of its .xlsx download, so a page and its export never differ.

Every export needs export_personal_data and the list's own permission (health lists:
view_health_data, and each woman whose results are exported is logged as viewed); the
download itself is one audit entry with its row count and filters. Columns are those the pages
show: names and units, never ID numbers.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import selectors
from .metrics import (
    BENEFIT_COLUMNS,
    INSURANCE_COLUMNS,
    PAIRING_COLUMNS,
    RELIEF_COLUMNS,
    SCREENING_COLUMNS,
    money_text,
)
from .models import Kind, Status


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


# ---- what each list page shows -----------------------------------------------------------------

def programmes(request, _obj=None) -> QuerySet:
    kind = request.GET.get("kind", "")
    return selectors.programme_list(user=request.user, kind=kind if kind in Kind.values else "",
                                    year=_int(request.GET.get("year", "")), q=request.GET.get("q", ""))


def status_filter(request) -> str:
    status = request.GET.get("status", "")
    return status if status in Status.values else ""


def beneficiaries(request, programme) -> QuerySet:
    return selectors.enrolment_list(user=request.user, programme=programme, status=status_filter(request))


def pairings(request, _obj=None) -> QuerySet:
    return selectors.pairing_list(user=request.user, overdue=request.GET.get("overdue") == "1",
                                  q=request.GET.get("q", "").strip())


def benefits(request, _obj=None) -> QuerySet:
    return selectors.benefit_list(user=request.user)


def round_benefits(request, round_) -> QuerySet:
    return selectors.benefit_list(user=request.user).filter(round=round_)


def fund_entries(request, fund) -> QuerySet:
    return selectors.fund_entry_list(user=request.user, fund=fund)


def screening_results(request, campaign) -> QuerySet:
    return selectors.screening_result_list(user=request.user, campaign=campaign)


def relief(request, _obj=None) -> QuerySet:
    return selectors.relief_list(user=request.user, status=status_filter(request))


def spring_bud(request, _obj=None) -> QuerySet:
    return selectors.spring_bud_list(user=request.user, flagged=request.GET.get("flagged") == "1")


def census_children(request, census) -> QuerySet:
    return selectors.census_children(user=request.user, census=census)


def insurance(request, _obj=None) -> QuerySet:
    return selectors.insurance_list(user=request.user, year=_int(request.GET.get("year", "")))


# ---- their downloads ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Export:
    """One list's download: `rows(request, obj)` is the page's own queryset; `get(user, pk)` the
    object the list belongs to (a programme, a fund …), 404 when not hers."""

    title: str
    rows: Callable
    columns: tuple
    get: Callable | None = None
    permission: str = "view_care"
    person: Callable | None = None  # health and children's lists: the woman or child of a row, logged as viewed


def _flags(girl) -> str:
    flags = [str(_("已离校")) if girl.flag_left else "", str(_("已成年")) if girl.flag_adult else ""]
    return "、".join(f for f in flags if f)


EXPORTS: dict[str, Export] = {
    "programmes": Export(_("帮扶项目"), programmes, (
        (_("项目名称"), lambda r: r.name), (_("项目类别"), lambda r: r.get_kind_display()),
        (_("组织单位"), lambda r: r.unit.name), (_("年度"), lambda r: r.year),
        (_("预算(元)"), lambda r: money_text(r.budget)), (_("资金来源"), lambda r: r.fund_source))),
    "programme": Export(_("帮扶对象"), beneficiaries, (
        (_("姓名"), lambda r: r.person.name), (_("村(社区)"), lambda r: r.person.unit.name),
        (_("帮扶项目"), lambda r: r.programme.name), (_("申请日期"), lambda r: r.applied_on),
        (_("状态"), lambda r: r.get_status_display()), (_("处理意见"), lambda r: r.reason)),
        get=selectors.get_programme_for_user),
    "pairings": Export(_("结对帮扶"), pairings, PAIRING_COLUMNS),
    "benefits": Export(_("帮扶发放"), benefits, BENEFIT_COLUMNS),
    "round": Export(_("节日慰问发放"), round_benefits, BENEFIT_COLUMNS, get=selectors.get_round_for_user),
    "fund": Export(_("善款收支"), fund_entries, (
        (_("日期"), lambda r: r.date), (_("收支"), lambda r: r.get_direction_display()),
        (_("金额(元)"), lambda r: money_text(r.amount)), (_("物品"), lambda r: r.goods),
        (_("物品折价(元)"), lambda r: money_text(r.goods_value)), (_("捐赠人/去向"), lambda r: r.party),
        (_("用途"), lambda r: r.purpose), (_("透支原因"), lambda r: r.overdraw_reason)),
        get=selectors.get_fund_for_user),
    "campaign": Export(_("两癌筛查结果"), screening_results, SCREENING_COLUMNS + (
        (_("确诊类型"), lambda r: r.get_diagnosis_display() if r.diagnosis else ""), (_("分期"), lambda r: r.stage),
        (_("治疗情况"), lambda r: r.treatment)),
        get=selectors.get_campaign_for_user, permission="view_health_data", person=lambda r: r.person),
    "relief": Export(_("两癌救助申请"), relief, RELIEF_COLUMNS + (
        (_("状态"), lambda r: r.get_status_display()), (_("处理意见"), lambda r: r.reason)),
        permission="view_health_data", person=lambda r: r.person),
    "springbud": Export(_("春蕾女童"), spring_bud, (
        (_("姓名"), lambda r: r.person.name), (_("所属单位"), lambda r: r.person.unit.name),
        (_("就读学校"), lambda r: r.school), (_("年级"), lambda r: r.grade), (_("资助人"), lambda r: r.donor),
        (_("累计资助(元)"), lambda r: money_text(r.aid_total)), (_("提示"), _flags)),
        permission="view_children", person=lambda r: r.person),
    "census_round": Export(_("留守儿童普查"), census_children, (
        (_("儿童"), lambda r: r.child.name), (_("村(社区)"), lambda r: r.child.unit.name),
        (_("监护人"), lambda r: r.guardian), (_("父亲外出务工地"), lambda r: r.father_whereabouts),
        (_("母亲外出务工地"), lambda r: r.mother_whereabouts), (_("就读学校"), lambda r: r.school),
        (_("需求"), lambda r: r.needs), (_("儿童之家"), lambda r: r.home.name if r.home else "")),
        get=selectors.get_census_for_user, permission="view_children", person=lambda r: r.child),
    "insurance": Export(_("女性安康保险"), insurance, INSURANCE_COLUMNS + (
        (_("理赔次数"), lambda r: r.claims_count), (_("赔付金额(元)"), lambda r: money_text(r.claims_paid)))),
}
