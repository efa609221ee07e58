"""Care figures (关爱帮扶) for plans, statistical forms and the care statistics page.

Each record is counted under exactly one unit — the person's (benefits, screening, pairings,
Spring Bud aid, census, insurance, relief) or the fund's keeper (donations) — so a county's
figure is the sum of its townships'. "People" metrics count distinct people: a woman helped
twice in a period is one person, and since she belongs to one unit the sum still holds.

Drill-down (`records`) goes through the same scope as the care lists: health figures open only
for view_health_data (everyone else gets an empty list), and the columns show what the care
lists show (names and units, never ID numbers or health details beyond the result).
"""

import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from banbiantian.core.access import scope
from banbiantian.core.metrics import (
    AMOUNT,
    COUNT,
    FLOW,
    RATE,
    STOCK,
    TO_DATE,
    Metric,
    Period,
    get,
    register,
    subtree_values,
)

from . import tally
from .models import (
    LIVE,
    NOT_VOIDED,
    Benefit,
    CensusChild,
    Enrolment,
    EnrolmentStep,
    FundEntry,
    InsuranceClaim,
    InsurancePolicy,
    Kind,
    Pairing,
    ReliefApplication,
    Result,
    ScreeningResult,
    SpringBudAid,
    Status,
    Visit,
)

AREA = "care"
# Every additive metric's aggregation over the records themselves, also for those read from the
# running totals: the tests check that both give the same figures.
DIRECT: dict = {}


def money_text(value) -> str:
    return f"{value:.2f}" if value is not None else ""


def _day_range(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min))
    return start, end


def define(key: str, label, unit: str, *, rows, path: str, basis: str, aggregate=None, kind: str = COUNT,
           permission: str = "view_care", related=(), columns=(), help_text="", values=None) -> Metric:
    """Register one additive care metric.

    rows(period) -> the records the figure counts (unscoped); `path` is the lookup of their
    unit's path; `aggregate` is Count("pk") unless given. `values` overrides how the figure is
    computed (the same answer, from the running totals of care/tally.py) while `rows` still
    serves the drill-down; `direct_values` keeps the aggregation over the records. `basis` is
    core.metrics' FLOW, STOCK or TO_DATE (what a figure for a period counts).
    """

    def default_values(units, period):
        return subtree_values(rows(period), path, units, aggregate)

    DIRECT[f"{AREA}.{key}"] = default_values

    def records(user, org_unit, period):
        return (scope(rows(period), user, permission).filter(**{f"{path}__startswith": org_unit.path})
                .select_related(*related))

    return register(Metric(key=f"{AREA}.{key}", label=label, unit=unit, area=AREA, kind=kind,
                           values=values or default_values, records=records, columns=tuple(columns),
                           permission=permission, help_text=help_text, basis=basis))


def rate(key: str, label, numerator: str, denominator: str, *, basis: str, permission="view_care",
         help_text="") -> Metric:
    num = f"{AREA}.{numerator}"
    base = get(num)
    return register(Metric(key=f"{AREA}.{key}", label=label, unit="%", area=AREA, kind=RATE, numerator=num,
                           denominator=f"{AREA}.{denominator}", records=base.records, columns=base.columns,
                           permission=permission, help_text=help_text, basis=basis))


# ---- columns of the drill-down lists (what the care lists show) --------------------------------

PERSON = ((_("姓名"), lambda r: r.person.name), (_("所属单位"), lambda r: r.person.unit.name))
BENEFIT_COLUMNS = PERSON + (
    (_("发放日期"), lambda r: r.given_on), (_("帮扶项目"), lambda r: r.programme.name),
    (_("现金(元)"), lambda r: money_text(r.cash)), (_("物品"), lambda r: r.goods),
    (_("物品折价(元)"), lambda r: money_text(r.goods_value)), (_("资金来源"), lambda r: r.fund_source),
)
BENEFIT_RELATED = ("person__unit", "programme")
SCREENING_COLUMNS = PERSON + (
    (_("筛查活动"), lambda r: r.campaign.name), (_("筛查日期"), lambda r: r.campaign.date),
    (_("宫颈癌筛查"), lambda r: "是" if r.cervical else "否"), (_("乳腺癌筛查"), lambda r: "是" if r.breast else "否"),
    (_("结果"), lambda r: r.get_result_display()), (_("随访情况"), lambda r: r.follow_up),
)
SCREENING_RELATED = ("person__unit", "campaign")
PAIRING_COLUMNS = (
    (_("帮扶对象"), lambda r: r.beneficiary.name), (_("所属单位"), lambda r: r.beneficiary.unit.name),
    (_("帮扶人"), lambda r: r.helper_name), (_("帮扶人身份"), lambda r: r.get_helper_kind_display()),
    (_("结对日期"), lambda r: r.start_date), (_("结束日期"), lambda r: r.end_date or ""),
    (_("最近联系日期"), lambda r: r.last_contact_on),
)
PAIRING_RELATED = ("beneficiary__unit", "helper", "helper_user")


# ---- benefits (帮扶发放): counted under the recipient's unit, on the day given ------------------

def benefits(period: Period, **filters):
    return Benefit.objects.filter(LIVE, given_on__range=(period.start, period.end), **filters)


def _benefit_metric(key, label, unit, *, kind=COUNT, aggregate=None, filters=None, help_text=""):
    filters = filters or {}
    define(key, label, unit, rows=lambda p: benefits(p, **filters), path="person__unit__path", kind=kind, basis=FLOW,
           aggregate=aggregate, related=BENEFIT_RELATED, columns=BENEFIT_COLUMNS, help_text=help_text,
           values=tally.values(key, kind))


PEOPLE = Count("person", distinct=True)

_benefit_metric("people_reached", _("受助人数"), "人", aggregate=PEOPLE,
                help_text=_("期内得到现金或物品帮扶的人数，一人多次计一人。"))
for _kind in Kind:
    _benefit_metric(f"people_reached_{_kind.value}", _("受助人数（%(k)s）") % {"k": _kind.label}, "人",
                    aggregate=PEOPLE, filters={"programme__kind": _kind.value})
_benefit_metric("benefits_given", _("帮扶发放次数"), "次")
_benefit_metric("benefit_cash", _("发放现金"), "元", kind=AMOUNT, aggregate=Sum("cash"))
_benefit_metric("benefit_goods_value", _("发放物品折价"), "元", kind=AMOUNT, aggregate=Sum("goods_value"))
_benefit_metric("benefit_cash_from_funds", _("善款支付的现金"), "元", kind=AMOUNT, aggregate=Sum("cash"),
                filters={"fund__isnull": False}, help_text=_("从善款资金中支出的帮扶现金。"))


# ---- enrolments (帮扶对象): applications made and approvals decided in the period ----------------

define("enrolments_applied", _("申请帮扶的人数"), "人", basis=FLOW,
       rows=lambda p: Enrolment.objects.filter(applied_on__range=(p.start, p.end)), path="person__unit__path",
       aggregate=Count("person", distinct=True), related=("person__unit", "programme"),
       columns=((_("姓名"), lambda r: r.person.name), (_("所属单位"), lambda r: r.person.unit.name),
                (_("帮扶项目"), lambda r: r.programme.name), (_("申请日期"), lambda r: r.applied_on),
                (_("状态"), lambda r: r.get_status_display())),
       help_text=_("期内提出申请(按申请日期)的人数，一人申请多个项目计一人。"))


def approvals(period: Period):
    # By the step's own date (an imported roster's approval date), not when it was typed in.
    return EnrolmentStep.objects.filter(to_status=Status.APPROVED, on__gte=period.start, on__lte=period.end)


define("beneficiaries_approved", _("审核通过的帮扶对象"), "人", rows=approvals, basis=FLOW,
       path="enrolment__person__unit__path", aggregate=Count("enrolment__person", distinct=True),
       related=("enrolment__person__unit", "enrolment__programme"),
       columns=((_("姓名"), lambda r: r.enrolment.person.name),
                (_("所属单位"), lambda r: r.enrolment.person.unit.name),
                (_("帮扶项目"), lambda r: r.enrolment.programme.name),
                (_("通过日期"), lambda r: r.on.isoformat())),
       help_text=_("期内审核通过的人数(按通过日期)。"))


# ---- pairing (结对帮扶): active at any time in the period ----------------------------------------

def active_pairings(period: Period, **filters):
    return Pairing.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=period.start),
                                  start_date__lte=period.end, **filters)


def poor_mothers_paired_rows(period: Period):
    from banbiantian.people.models import GroupMembership

    members = GroupMembership.objects.filter(group__code="poor_mothers", start_date__lte=period.end).exclude(
        end_date__lt=period.start).values("person_id")
    return active_pairings(period, beneficiary__in=members)


define("pairings_active", _("期内在结对数"), "对", rows=active_pairings, path="beneficiary__unit__path", basis=STOCK,
       related=PAIRING_RELATED, columns=PAIRING_COLUMNS, help_text=_("期内任一天处于结对中的结对数。"))
define("people_paired", _("结对帮扶对象（期内在结对）"), "人", rows=active_pairings, path="beneficiary__unit__path", basis=STOCK,
       aggregate=Count("beneficiary", distinct=True), related=PAIRING_RELATED, columns=PAIRING_COLUMNS)
define("poor_mothers_paired", _("结对帮扶的贫困母亲"), "人", rows=poor_mothers_paired_rows,
       path="beneficiary__unit__path", aggregate=Count("beneficiary", distinct=True), related=PAIRING_RELATED,
       basis=STOCK, columns=PAIRING_COLUMNS, help_text=_("期内处于结对中、且期内属于“贫困母亲”群体的帮扶对象。"))
define("pairing_visits", _("结对走访次数"), "次",
       rows=lambda p: Visit.objects.filter(NOT_VOIDED, date__range=(p.start, p.end)), path="pairing__beneficiary__unit__path",
       basis=FLOW,
       related=("pairing__beneficiary__unit", "pairing__helper", "pairing__helper_user"),
       columns=((_("帮扶对象"), lambda r: r.pairing.beneficiary.name),
                (_("所属单位"), lambda r: r.pairing.beneficiary.unit.name),
                (_("帮扶人"), lambda r: r.pairing.helper_name), (_("日期"), lambda r: r.date),
                (_("方式"), lambda r: r.get_kind_display()), (_("帮扶内容"), lambda r: r.done)))


# ---- two-cancer screening (两癌筛查): by the campaign's date; drill-down needs view_health_data --------

HEALTH = "view_health_data"


def screenings(period: Period, *args, **filters):
    return ScreeningResult.objects.filter(NOT_VOIDED, *args, campaign__date__range=(period.start, period.end),
                                          **filters)


def _screening_metric(key, label, *args, basis=FLOW, help_text="", **filters):
    define(key, label, "人次", rows=lambda p: screenings(p, *args, **filters), path="person__unit__path", basis=basis,
           permission=HEALTH, related=SCREENING_RELATED, columns=SCREENING_COLUMNS, help_text=help_text,
           values=tally.values(key, COUNT))


ABNORMAL = ~Q(result=Result.NORMAL)
# A woman screened in a campaign is one 人次 of 两癌筛查 whether she had one test or both, so the
# cervical and the breast figures are not parts of it: together they exceed it when women had both.
_screening_metric("screened", _("两癌筛查人次"),
                  help_text=_("按筛查活动日期，每名妇女每次筛查计一人次（做一项或两项都计一次）。"))
_screening_metric("screened_cervical", _("宫颈癌筛查人次"), cervical=True)
_screening_metric("screened_breast", _("乳腺癌筛查人次"), breast=True)
_screening_metric("screening_abnormal", _("筛查异常人次"), ABNORMAL,
                  help_text=_("结果为异常需复查、疑似或确诊。"))
_screening_metric("screening_confirmed", _("筛查确诊人次"), result=Result.CONFIRMED)
# The follow-up comes after the screening and carries no date of its own: a figure of it counts
# the period's abnormal results followed up so far (至今).
_screening_metric("screening_followed_up", _("异常已随访人次（至今）"), ABNORMAL & ~Q(follow_up=""), basis=TO_DATE,
                  help_text=_("期内筛查的异常结果中，至今已填写随访情况的；期后的随访也计入。"))
rate("screening_abnormal_rate", _("筛查异常率"), "screening_abnormal", "screened", permission=HEALTH, basis=FLOW)
rate("screening_confirmed_rate", _("筛查确诊率"), "screening_confirmed", "screened", permission=HEALTH, basis=FLOW)
rate("screening_follow_up_rate", _("异常随访率（至今）"), "screening_followed_up", "screening_abnormal",
     permission=HEALTH, basis=TO_DATE)


# ---- relief grants (两癌救助): approved in the period -------------------------------------------------

def relief_approved_rows(period: Period):
    return ReliefApplication.objects.filter(status__in=(Status.APPROVED, Status.ENDED),
                                            decided_on__range=(period.start, period.end))


RELIEF_COLUMNS = ((_("姓名"), lambda r: r.person.name), (_("所属单位"), lambda r: r.person.unit.name),
                  (_("年度"), lambda r: r.year), (_("低收入类别"), lambda r: r.category),
                  (_("救助金额(元)"), lambda r: money_text(r.amount)), (_("批准日期"), lambda r: r.decided_on))
define("relief_approved", _("两癌救助批准人数"), "人", rows=relief_approved_rows, path="person__unit__path",
       basis=FLOW, aggregate=Count("person", distinct=True), permission=HEALTH, related=("person__unit",),
       columns=RELIEF_COLUMNS, help_text=_("期内批准救助的人数(按批准日期)，一人计一次。"))
define("relief_amount", _("两癌救助金额"), "元", rows=relief_approved_rows, path="person__unit__path", basis=FLOW,
       kind=AMOUNT, aggregate=Sum("amount"), permission=HEALTH, related=("person__unit",), columns=RELIEF_COLUMNS,
       help_text=_("期内批准的救助金额。"))
define("relief_paid_amount", _("两癌救助发放金额"), "元",
       rows=lambda p: ReliefApplication.objects.filter(status=Status.ENDED, paid_on__range=(p.start, p.end)),
       path="person__unit__path", kind=AMOUNT, aggregate=Sum("amount"), permission=HEALTH, related=("person__unit",),
       basis=FLOW, columns=RELIEF_COLUMNS + ((_("发放日期"), lambda r: r.paid_on),), help_text=_("期内实际发放(结束·已发放)的救助金额，按发放日期。"))


# ---- Spring Bud (春蕾计划): aid paid in the period ------------------------------------------------------

CHILDREN = "view_children"  # children's records: the drill-down needs it, and each page shown is logged


def spring_bud_aids(period: Period):
    return SpringBudAid.objects.filter(LIVE, paid_on__range=(period.start, period.end))


SPRING_BUD_COLUMNS = ((_("姓名"), lambda r: r.girl.person.name), (_("所属单位"), lambda r: r.girl.person.unit.name),
                      (_("就读学校"), lambda r: r.girl.school), (_("学期"), lambda r: r.term),
                      (_("资助金额(元)"), lambda r: money_text(r.amount)), (_("资助人"), lambda r: r.donor),
                      (_("发放日期"), lambda r: r.paid_on))
for _key, _label, _unit, _kind, _agg in (
        ("spring_bud_girls_aided", _("春蕾女童受资助人数"), "人", COUNT, Count("girl", distinct=True)),
        ("spring_bud_aid_amount", _("春蕾资助金额"), "元", AMOUNT, Sum("amount"))):
    define(_key, _label, _unit, rows=spring_bud_aids, path="girl__person__unit__path", kind=_kind, aggregate=_agg,
           basis=FLOW,
           related=("girl__person__unit",), columns=SPRING_BUD_COLUMNS, permission=CHILDREN)


# ---- left-behind children (留守儿童普查): the census of the period's year ------------------------------

define("left_behind_children", _("留守儿童(当年普查)"), "人",
       rows=lambda p: CensusChild.objects.filter(NOT_VOIDED, round__year=p.year), path="child__unit__path",
       basis=STOCK, aggregate=Count("child", distinct=True), related=("child__unit", "round"), permission=CHILDREN,
       columns=((_("姓名"), lambda r: r.child.name), (_("所属单位"), lambda r: r.child.unit.name),
                (_("普查"), lambda r: r.round.name), (_("监护人"), lambda r: r.guardian),
                (_("就读学校"), lambda r: r.school)),
       help_text=_("期所在年度的普查中登记的儿童，一人计一次。"))


# ---- women's health insurance (女性安康保险): policies of the period's year; claims by date -----------

INSURANCE_COLUMNS = ((_("姓名"), lambda r: r.person.name), (_("所属单位"), lambda r: r.person.unit.name),
                     (_("年度"), lambda r: r.year), (_("承保公司"), lambda r: r.insurer),
                     (_("保费(元)"), lambda r: money_text(r.premium)), (_("保费支付方"), lambda r: r.get_paid_by_display()))
for _key, _label, _unit, _kind, _agg, _filters in (
        ("insurance_policies", _("女性安康保险参保人数"), "人", COUNT, None, {}),
        ("insurance_premiums", _("女性安康保险保费"), "元", AMOUNT, Sum("premium"), {}),
        ("insurance_premiums_subsidised", _("妇联及爱心捐赠代缴保费"), "元", AMOUNT, Sum("premium"),
         {"paid_by__in": ("federation", "donor")})):
    define(_key, _label, _unit, rows=lambda p, f=_filters: InsurancePolicy.objects.filter(NOT_VOIDED, year=p.year, **f),
           path="person__unit__path", kind=_kind, aggregate=_agg, related=("person__unit",), basis=STOCK,
           columns=INSURANCE_COLUMNS, help_text=_("保单按年度计：期所在年度的保单。"))
define("insurance_claims_paid", _("女性安康保险赔付金额"), "元", kind=AMOUNT, aggregate=Sum("amount_paid"), basis=FLOW,
       rows=lambda p: InsuranceClaim.objects.filter(LIVE, date__range=(p.start, p.end)), path="policy__person__unit__path",
       related=("policy__person__unit",),
       columns=((_("姓名"), lambda r: r.policy.person.name), (_("所属单位"), lambda r: r.policy.person.unit.name),
                (_("理赔日期"), lambda r: r.date), (_("出险原因"), lambda r: r.reason),
                (_("赔付金额(元)"), lambda r: money_text(r.amount_paid))))


# ---- donations (善款收支): counted under the unit that keeps the fund -----------------------------------

FUND_COLUMNS = ((_("日期"), lambda r: r.date), (_("善款资金"), lambda r: r.fund.name),
                (_("管理单位"), lambda r: r.fund.unit.name), (_("捐赠人/去向"), lambda r: r.party),
                (_("金额(元)"), lambda r: money_text(r.amount)), (_("物品"), lambda r: r.goods),
                (_("用途"), lambda r: r.purpose))
for _key, _label, _direction, _field in (
        ("donations_in", _("爱心捐款收入"), FundEntry.Direction.IN, "amount"),
        ("donations_out", _("善款支出"), FundEntry.Direction.OUT, "amount"),
        ("donated_goods_value", _("捐赠物品折价"), FundEntry.Direction.IN, "goods_value")):
    define(_key, _label, "元", kind=AMOUNT, aggregate=Sum(_field),
           rows=lambda p, d=_direction: FundEntry.objects.filter(LIVE, direction=d, date__range=(p.start, p.end)),
           path="fund__unit__path", related=("fund__unit",), columns=FUND_COLUMNS, basis=FLOW,
           help_text=_("计入管理该资金的单位；县级自管资金计入县本级，不计入任何乡镇。"))

