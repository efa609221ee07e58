"""Care statistics for a unit and a year: the figures the planning area will reuse.

Every figure is one aggregate query over the scoped rows, so the page costs the same for a
village and for a county of 300,000 people.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from banbiantian.core.access import scope, unit_subtree_ids
from banbiantian.core.metrics import Period, compute
from banbiantian.people.models import GroupMembership, SpecialGroup

from .models import Benefit, CensusChild, Enrolment, Pairing, Programme, Status
from .selectors import _with_ancestors, overdue_before

METRICS = ["care.people_reached", "care.benefits_given", "care.benefit_cash", "care.benefit_goods_value",
           "care.screened", "care.screened_cervical", "care.screened_breast", "care.screening_abnormal",
           "care.screening_confirmed", "care.screening_followed_up", "care.screening_abnormal_rate",
           "care.screening_confirmed_rate", "care.screening_follow_up_rate"]


def care_stats(*, user, unit, year: int, today: datetime.date) -> dict:
    subtree = unit_subtree_ids(unit)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    benefits = scope(Benefit.objects.all(), user, "view_care").filter(
        person__unit__in=subtree, given_on__range=(start, end))

    # People reached per programme: distinct recipients of the year's benefits.
    reached = {row["programme_id"]: row for row in benefits.values("programme_id").annotate(
        people=Count("person_id", distinct=True), times=Count("id"), cash=Sum("cash"), goods=Sum("goods_value")
    ).order_by()}
    enrolled = {}
    for row in scope(Enrolment.objects.all(), user, "view_care").filter(
            person__unit__in=subtree, programme__year=year).values("programme_id", "status").annotate(
            n=Count("id")).order_by():
        enrolled.setdefault(row["programme_id"], {})[row["status"]] = row["n"]
    ids = set(reached) | set(enrolled)
    programmes = _with_ancestors(Programme.objects.filter(pk__in=ids), user, "view_care").order_by("kind", "name")
    per_programme = []
    for p in programmes:
        r = reached.get(p.pk, {})
        e = enrolled.get(p.pk, {})
        per_programme.append({
            "programme": p, "people": r.get("people", 0), "times": r.get("times", 0),
            "cash": r.get("cash") or Decimal("0.00"), "goods": r.get("goods") or Decimal("0.00"),
            "waiting": e.get(Status.APPLIED, 0) + e.get(Status.REVIEWING, 0),
            "approved": e.get(Status.APPROVED, 0) + e.get(Status.ENDED, 0), "rejected": e.get(Status.REJECTED, 0),
        })

    # People reached per special group (membership current at the end of the year or today, the earlier).
    as_of = min(end, today)
    members = GroupMembership.objects.filter(start_date__lte=as_of).exclude(end_date__lt=as_of).filter(
        person_id__in=benefits.values("person_id"))
    by_group = dict(members.values_list("group_id").annotate(n=Count("person_id", distinct=True)).order_by())
    per_group = [{"group": g, "people": by_group.get(g.pk, 0)} for g in SpecialGroup.objects.all()]

    by_source = list(benefits.values("fund_source").annotate(
        times=Count("id"), people=Count("person_id", distinct=True), cash=Sum("cash"), goods=Sum("goods_value"),
    ).order_by("fund_source"))

    # The figures the metrics registry defines: the same numbers plans and forms use.
    period = Period("year", year)
    got = {key.removeprefix("care."): by_unit[unit.pk] for key, by_unit in compute(METRICS, [unit], period).items()}
    totals = {"people": got["people_reached"], "times": got["benefits_given"], "cash": got["benefit_cash"],
              "goods": got["benefit_goods_value"]}
    # Screening: counts only, never whose results (aggregates are not personal data).
    s = {"screened": got["screened"], "cervical": got["screened_cervical"], "breast": got["screened_breast"],
         "abnormal": got["screening_abnormal"], "confirmed": got["screening_confirmed"],
         "followed_up": got["screening_followed_up"], "abnormal_rate": got["screening_abnormal_rate"],
         "confirmed_rate": got["screening_confirmed_rate"], "follow_up_rate": got["screening_follow_up_rate"]}

    # Pairings as of today (not a period figure: a pairing is active or overdue now).
    pairings = scope(Pairing.objects.all(), user, "view_care").filter(
        beneficiary__unit__in=subtree).filter(Q(end_date__isnull=True) | Q(end_date__gte=today)).aggregate(
        active=Count("id"), overdue=Count("id", filter=Q(last_contact_on__lt=overdue_before(today))))

    # Left-behind children per village from the census rounds of this year and last year.
    counts: dict[str, dict[int, int]] = {}
    for name, round_year, n in scope(CensusChild.objects.all(), user, "view_care").filter(
            child__unit__in=subtree, round__year__in=(year, year - 1)).values_list(
            "child__unit__name", "round__year").annotate(n=Count("id")).order_by():
        counts.setdefault(name, {})[round_year] = n
    villages = [{"name": name, "this": c.get(year, 0), "last": c.get(year - 1, 0)}
                for name, c in sorted(counts.items())]

    return {"unit": unit, "year": year, "per_programme": per_programme, "per_group": per_group,
            "by_source": by_source, "totals": totals, "screening": s, "pairings": pairings, "villages": villages}


def stats_workbook(stats: dict):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("帮扶项目")
    ws.append([_("单位"), stats["unit"].name, _("年度"), stats["year"]])
    ws.append([_("项目"), _("类别"), _("受助人数"), _("发放次数"), _("现金(元)"), _("物品折价(元)"), _("待审核"),
               _("通过"), _("不通过")])
    for r in stats["per_programme"]:
        ws.append([r["programme"].name, r["programme"].get_kind_display(), r["people"], r["times"], r["cash"],
                   r["goods"], r["waiting"], r["approved"], r["rejected"]])
    ws = wb.create_sheet(_("特殊群体"))
    ws.append([_("特殊群体"), _("受助人数")])
    for r in stats["per_group"]:
        ws.append([r["group"].name, r["people"]])
    ws = wb.create_sheet(_("资金来源"))
    ws.append([_("资金来源"), _("受助人数"), _("发放次数"), _("现金(元)"), _("物品折价(元)")])
    for r in stats["by_source"]:
        ws.append([r["fund_source"], r["people"], r["times"], r["cash"] or 0, r["goods"] or 0])
    ws = wb.create_sheet(_("两癌筛查与结对"))
    s = stats["screening"]
    for label, value in [(_("筛查人数"), s["screened"]), (_("宫颈癌筛查"), s["cervical"]), (_("乳腺癌筛查"), s["breast"]),
                         (_("异常人数"), s["abnormal"]), (_("异常率(%)"), s["abnormal_rate"]),
                         (_("确诊人数"), s["confirmed"]), (_("确诊率(%)"), s["confirmed_rate"]),
                         (_("在结对"), stats["pairings"]["active"]), (_("逾期未走访"), stats["pairings"]["overdue"])]:
        ws.append([label, value])
    ws = wb.create_sheet(_("留守儿童"))
    ws.append([_("村(社区)"), _("今年"), _("去年")])
    for r in stats["villages"]:
        ws.append([r["name"], r["this"], r["last"]])
    return wb


STATS_TTL = 600  # seconds: bounds staleness from writes outside care (a person moving village)


def stats_version() -> int:
    from .models import StatsVersion

    return StatsVersion.objects.filter(pk=1).values_list("n", flat=True).first() or 0


def bump_stats_version() -> None:
    from django.db.models import F

    from .models import StatsVersion

    if not StatsVersion.objects.filter(pk=1).update(n=F("n") + 1):
        StatsVersion.objects.get_or_create(pk=1, defaults={"n": 1})


def cached_care_stats(*, user, unit, year: int, today: datetime.date) -> dict:
    """care_stats through the cache: a county's year is seconds of aggregation over 200,000 rows.

    The figures depend only on (unit, year, today) because the unit is always within the user's
    scope (the form offers nothing else), so users share entries. The key carries the version
    counter bumped by every care write, so a new benefit shows at once in every process.
    """
    from django.core.cache import cache

    if not unit.is_within(user.unit):
        raise ValueError("unit outside the user's scope")
    key = f"care-stats:{unit.pk}:{year}:{today}:{stats_version()}"
    stats = cache.get(key)
    if stats is None:
        stats = care_stats(user=user, unit=unit, year=year, today=today)
        cache.set(key, stats, STATS_TTL)
    return stats
