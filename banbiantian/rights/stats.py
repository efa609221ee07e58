"""Statistics for a unit and a period: the figures the page, the Excel file and planning reuse.

Rates are over cases *received* in the period:
- 办结率 = cases closed (closed_on set) / cases accepted;
- 按期办结率 = cases closed on or before their (possibly extended) close_due / cases closed;
- 满意率 = cases whose petitioner was satisfied / closed cases where satisfaction was asked.
Four queries whatever the number of cases.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from banbiantian.core.access import unit_subtree_ids

from .models import CaseCategory, Channel, RiskLevel
from .selectors import case_list


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def case_stats(*, user, unit, date_from: datetime.date, date_to: datetime.date) -> dict:
    qs = case_list(user=user).filter(unit__in=unit_subtree_ids(unit), received_on__gte=date_from,
                                     received_on__lte=date_to).order_by()
    totals = qs.aggregate(  # query 1
        received=Count("id"),
        accepted=Count("id", filter=Q(accepted_on__isnull=False)),
        rejected=Count("id", filter=Q(status="rejected")),
        closed=Count("id", filter=Q(closed_on__isnull=False)),
        on_time=Count("id", filter=Q(closed_on__isnull=False, closed_on__lte=F("close_due"))),
        asked=Count("id", filter=Q(closed_on__isnull=False, satisfied__isnull=False)),
        satisfied=Count("id", filter=Q(closed_on__isnull=False, satisfied=True)),
        repeat=Count("id", filter=Q(is_repeat=True)),
        skip_level=Count("id", filter=Q(skip_level=True)),
        dv=Count("id", filter=Q(is_dv=True)),
    )
    by_channel = dict(qs.values_list("channel").annotate(n=Count("id")))  # query 2
    by_category = dict(qs.values_list("category_id").annotate(n=Count("id")))  # query 3
    by_risk = dict(qs.filter(is_dv=True).values_list("risk_level").annotate(n=Count("id")))  # query 4
    categories = list(CaseCategory.objects.all())  # query 5
    return {
        **totals,
        "handled_rate": _rate(totals["closed"], totals["accepted"]),
        "on_time_rate": _rate(totals["on_time"], totals["closed"]),
        "satisfaction_rate": _rate(totals["satisfied"], totals["asked"]),
        "by_channel": [(label, by_channel.get(value, 0)) for value, label in Channel.choices],
        "by_category": [(c.name, by_category.get(c.pk, 0)) for c in categories
                        if c.active or by_category.get(c.pk)],
        "by_risk": [(label, by_risk.get(value, 0)) for value, label in RiskLevel.choices]
        + [(_("未评估"), by_risk.get("", 0))],
    }
