from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors


def targets_panel(user) -> dict | None:
    """This year's targets of the user's own unit with progress bars.

    Queries: the plan (1), its targets with who typed manual actuals and where handed-down
    ones came from (1), their splits (1), then one grouped query per distinct metric
    (core.metrics.compute) — none per target, so more targets on the same metrics cost nothing.
    """
    if not user.has_perm_name("view_plans") or user.unit_id is None:
        return None
    year = timezone.localdate().year
    plan = selectors.plan_of(user.unit, year)
    if plan is None:
        return None
    targets = list(selectors.targets_of(plan))
    if not targets:
        return None
    return {
        "title": _("%(year)s年目标完成进度") % {"year": year},
        "cards": [],
        "template": "planning/_dashboard.html",
        "rows": selectors.progress_for(targets, user.unit, year, user=user),
        "url": reverse("planning:plan", args=[plan.pk]),
    }
