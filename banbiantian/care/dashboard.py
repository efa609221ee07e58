import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.dashboard import TodoItem

from . import tally
from .selectors import OVERDUE_DAYS, overdue_before, pairing_list


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


def todo(user) -> list[TodoItem]:
    """Pairings in her scope with no visit for 90 days (逾期未走访), the oldest one's date due: one query."""
    if not user.has_perm_name("edit_care"):
        return []
    today = timezone.localdate()
    late = pairing_list(user=user, overdue=True, today=today).order_by().aggregate(
        n=Count("id"), first=Min("last_contact_on"))
    if not late["n"]:
        return []
    return [TodoItem(_("逾期未走访的结对帮扶（%(d)s天未走访）") % {"d": OVERDUE_DAYS},
                     f"{reverse('care:pairings')}?overdue=1", late["n"], late["first"] + datetime.timedelta(days=OVERDUE_DAYS))]
