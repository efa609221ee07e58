from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.selectors import child_units

from .models import OPEN_STATUSES, Referral, RiskLevel
from .selectors import case_list, overdue_q


def rights_panel(user) -> dict | None:
    """Overdue cases by township and open high/danger DV cases, live: 2 queries whatever the size."""
    if not (user.has_perm_name("view_rights_cases") or user.has_perm_name("register_rights_cases")):
        return None
    today = timezone.localdate()
    # Only cases with a current deadline (or a referral awaiting a reply) can be open or overdue.
    awaiting = Referral.objects.filter(replied_on__isnull=True).values("case_id")
    cases = case_list(user=user).filter(Q(due_on__isnull=False) | Q(pk__in=awaiting)).order_by()
    high = Q(is_dv=True, risk_level__in=[RiskLevel.HIGH, RiskLevel.DANGER], status__in=OPEN_STATUSES)
    rows = list(cases.values("unit_id", "unit__path").annotate(  # query 1
        overdue=Count("id", filter=overdue_q(today)), high=Count("id", filter=high),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES))))
    url = reverse("rights:home")
    totals = {k: sum(r[k] for r in rows) for k in ("overdue", "high", "open")}
    panel = {"title": _("维权信访"), "cards": [
        {"label": _("办理中"), "value": totals["open"], "url": url},
        {"label": _("已逾期"), "value": totals["overdue"], "url": f"{url}?due=overdue"},
        {"label": _("高危家暴（未结）"), "value": totals["high"], "url": f"{url}?high_risk=on"},
    ]}
    children = list(child_units(user.unit))  # query 2
    if children and user.has_perm_name("view_rights_cases"):
        table_rows = []
        own = [r for r in rows if r["unit_id"] == user.unit_id]
        if own:
            table_rows.append((_("本级"), own[0]["overdue"], own[0]["high"]))
        for child in children:
            mine = [r for r in rows if r["unit__path"].startswith(child.path)]
            table_rows.append((child.name, sum(r["overdue"] for r in mine), sum(r["high"] for r in mine)))
        panel["table"] = {"headers": [_("单位"), _("逾期案件"), _("高危家暴")], "rows": table_rows}
    return panel
