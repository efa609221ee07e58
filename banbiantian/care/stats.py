"""Care statistics for a unit and a period: the figures the planning area reuses.

Counts and amounts of benefits and screening are read from the running totals that the care
services keep (care/tally.py), so the page costs the same for a village and for a county of
300,000 people; the figures shared with plans and forms come from the metrics registry.
"""

import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from banbiantian.core.access import scope_with_ancestors
from banbiantian.core.metrics import Period, compute
from banbiantian.people.models import SpecialGroup

from . import tally
from .models import CensusChild, Programme, Status
from .selectors import overdue_before

ZERO = Decimal("0.00")
METRICS = ["care.people_reached", "care.benefits_given", "care.benefit_cash", "care.benefit_goods_value",
           "care.screened", "care.screened_cervical", "care.screened_breast", "care.screening_abnormal",
           "care.screening_confirmed", "care.screening_followed_up", "care.screening_abnormal_rate",
           "care.screening_confirmed_rate", "care.screening_follow_up_rate", "care.pairings_active"]


def care_stats(*, user, unit, today: datetime.date, year: int | None = None, period: Period | None = None) -> dict:
    """The figures for `unit` (within the user's scope) and `period` (or the whole `year`).

    Benefits, screening and enrolment statuses come from the running totals (care/tally.py);
    pairings and the census, small tables, are counted directly.
    """
    if not unit.is_within(user.unit):
        raise ValueError("unit outside the user's scope")
    period = period or Period("year", year)
    rows = tally.for_unit(unit, [period.key, tally.ALL])

    def part(prefix: str, period_key: str = period.key) -> dict[str, dict[str, Decimal]]:
        """{"123": {"people": n, "cash": x, …}} from keys like "programme:123:people"."""
        found: dict[str, dict[str, Decimal]] = {}
        for (p, key), value in rows.items():
            if p == period_key and key.startswith(prefix):
                ident, _sep, field = key[len(prefix):].rpartition(":")
                found.setdefault(ident, {})[field] = value
        return found

    # Per programme: people reached (distinct), times, money and goods in the period; the
    # applications of the period's year's programmes by status as they stand.
    reached = {int(k): v for k, v in part("programme:").items()}
    statuses = {int(k.partition(":")[0]): v for k, v in part("programme:", tally.ALL).items()}
    programmes = scope_with_ancestors(Programme.objects.filter(pk__in=set(reached) | set(statuses)), user,
                                 "view_care").order_by("kind", "name")
    per_programme = []
    for p in programmes:
        r = reached.get(p.pk, {})
        e = {k.removeprefix("status:"): int(v) for k, v in statuses.get(p.pk, {}).items()} if p.year == period.year else {}
        if not r and not any(e.values()):
            continue
        per_programme.append({
            "programme": p, "people": int(r.get("people", 0)), "times": int(r.get("times", 0)),
            "cash": r.get("cash", ZERO), "goods": r.get("goods", ZERO),
            "waiting": e.get(Status.APPLIED, 0) + e.get(Status.REVIEWING, 0),
            "approved": e.get(Status.APPROVED, 0) + e.get(Status.ENDED, 0), "rejected": e.get(Status.REJECTED, 0),
        })

    # People reached per special group (the groups she was in when first helped in the period).
    by_group = part("group:")
    per_group = [{"group": g, "people": int(by_group.get(str(g.pk), {}).get("people", 0))}
                 for g in SpecialGroup.objects.all()]
    by_source = [{"fund_source": source, "people": int(v.get("people", 0)), "times": int(v.get("times", 0)),
                  "cash": v.get("cash"), "goods": v.get("goods")} for source, v in sorted(part("source:").items())]

    # The figures the metrics registry defines: the same numbers plans and forms use.
    got = {key.removeprefix("care."): by_unit[unit.pk] for key, by_unit in compute(METRICS, [unit], period).items()}
    totals = {"people": got["people_reached"], "times": got["benefits_given"], "cash": got["benefit_cash"],
              "goods": got["benefit_goods_value"]}
    # Screening: counts only, never whose results (aggregates are not personal data).
    s = {"screened": got["screened"], "cervical": got["screened_cervical"], "breast": got["screened_breast"],
         "abnormal": got["screening_abnormal"], "confirmed": got["screening_confirmed"],
         "followed_up": got["screening_followed_up"], "abnormal_rate": got["screening_abnormal_rate"],
         "confirmed_rate": got["screening_confirmed_rate"], "follow_up_rate": got["screening_follow_up_rate"]}

    # Pairings in the period (the metric the summary states), and as of today: open or overdue now.
    now = tally.now_counts(unit, overdue_before(today))
    pairings = {"in_period": got["pairings_active"], "active": now["active"], "overdue": now["overdue"]}

    # Left-behind children per village from the census rounds of the period's year and the year before.
    year = period.year
    counts: dict[str, dict[int, int]] = {}
    for name, round_year, n in CensusChild.objects.filter(
            child__unit__path__startswith=unit.path, voided_at__isnull=True, round__year__in=(year, year - 1)).values_list(
            "child__unit__name", "round__year").annotate(n=Count("id")).order_by():
        counts.setdefault(name, {})[round_year] = n
    villages = [{"name": name, "this": c.get(year, 0), "last": c.get(year - 1, 0)}
                for name, c in sorted(counts.items())]

    return {"unit": unit, "year": year, "period": period, "per_programme": per_programme, "per_group": per_group,
            "by_source": by_source, "totals": totals, "screening": s, "pairings": pairings, "villages": villages}


def stats_workbook(stats: dict):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("帮扶项目")
    ws.append([_("单位"), stats["unit"].name, _("期间"), stats["period"].label])
    ws.append([_("项目"), _("类别"), _("受助人数"), _("发放次数"), _("现金(元)"), _("物品折价(元)"), _("待审核（至今）"),
               _("通过（至今）"), _("不通过（至今）")])
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
    for label, value in [(_("受检妇女人次"), s["screened"]), (_("宫颈癌筛查人次"), s["cervical"]),
                         (_("乳腺癌筛查人次"), s["breast"]),
                         (_("异常人数"), s["abnormal"]), (_("异常率(%)"), s["abnormal_rate"]),
                         (_("确诊人数"), s["confirmed"]), (_("确诊率(%)"), s["confirmed_rate"]),
                         (_("异常已随访（至今）"), s["followed_up"]), (_("随访率（至今，%）"), s["follow_up_rate"]),
                         (_("期内在结对"), stats["pairings"]["in_period"]),
                         (_("当前在结对（截至今日）"), stats["pairings"]["active"]),
                         (_("当前逾期未走访"), stats["pairings"]["overdue"])]:
        ws.append([label, value])
    ws = wb.create_sheet(_("留守儿童"))
    ws.append([_("村(社区)"), _("今年"), _("去年")])
    for r in stats["villages"]:
        ws.append([r["name"], r["this"], r["last"]])
    return wb
