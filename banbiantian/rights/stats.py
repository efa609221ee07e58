"""Statistics for a unit and a period: the page and the Excel file.

The totals and rates are the metrics of rights/metrics.py (defined once there, each by the date
that places it in the period: received, accepted, closed …), computed for any date range; the
breakdowns by channel, category and risk level are of the cases received in the period.
Three queries whatever the number of cases.
"""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.utils.translation import gettext as _

from banbiantian.core.metrics import _rate

from .metrics import RATES, case_figures, received_cases
from .models import CaseCategory, Channel, RiskLevel

# The page's names for the metrics it shows.
TOTALS = {
    "received": "rights.cases_received", "accepted": "rights.cases_accepted", "rejected": "rights.cases_rejected",
    "accepted_closed": "rights.cases_accepted_closed", "closed": "rights.cases_closed",
    "on_time": "rights.cases_closed_on_time", "asked": "rights.satisfaction_asked",
    "satisfied": "rights.cases_satisfied", "repeat": "rights.cases_repeat", "skip_level": "rights.cases_skip_level",
    "dv": "rights.dv_cases", "orders": "rights.protection_orders_granted",
}
RATE_NAMES = {"handled_rate": "rights.handled_rate", "on_time_rate": "rights.on_time_rate",
              "satisfaction_rate": "rights.satisfaction_rate"}


def case_stats(*, user, unit, date_from: datetime.date, date_to: datetime.date) -> dict:
    """`user` may see every case of `unit` (the period form offers only such units)."""
    figures = case_figures(unit, date_from, date_to)  # query 1
    totals = {name: figures[key] for name, key in TOTALS.items()}
    rates = {}
    for name, key in RATE_NAMES.items():
        _label, numerator, denominator = RATES[key]
        rates[name] = _rate(figures[numerator], figures[denominator])
    qs = received_cases(unit, date_from, date_to)
    by_channel, by_category = defaultdict(int), defaultdict(int)
    for channel, category, n in qs.values_list("channel", "category_id").annotate(n=Count("id")):  # query 2
        by_channel[channel] += n
        by_category[category] += n
    categories = list(CaseCategory.objects.all())  # query 3
    by_risk = [(label, figures[f"rights.dv_risk_{value}"]) for value, label in RiskLevel.choices]
    return {
        **totals, **rates,
        "by_channel": [(label, by_channel.get(value, 0)) for value, label in Channel.choices],
        "by_category": [(c.name, by_category.get(c.pk, 0)) for c in categories
                        if c.active or by_category.get(c.pk)],
        "by_risk": by_risk + [(_("未评估"), totals["dv"] - sum(n for _label, n in by_risk))],
    }
