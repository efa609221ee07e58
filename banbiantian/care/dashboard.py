from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tally
from .selectors import overdue_before


def care_panel(user) -> dict | None:
    """One query: applications waiting for a decision and pairings open / overdue, from the
    running totals of the user's unit (care/tally.py)."""
    if not user.has_perm_name("view_care"):
        return None
    now = tally.now_counts(user.unit, overdue_before(timezone.localdate()))
    url = reverse("care:pairings")
    return {"title": _("关爱帮扶"), "cards": [
        {"label": _("待审核的帮扶申请"), "value": now["waiting"], "url": reverse("care:applications")},
        {"label": _("在结对"), "value": now["active"], "url": url},
        {"label": _("逾期未走访"), "value": now["overdue"], "url": f"{url}?overdue=1"},
    ]}
