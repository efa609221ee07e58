from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.access import scope

from .models import Enrolment, Pairing, Status
from .selectors import overdue_before


def care_panel(user) -> dict | None:
    """Two queries: enrolments waiting for a decision, and pairings active / overdue."""
    if not user.has_perm_name("view_care"):
        return None
    today = timezone.localdate()
    waiting = scope(Enrolment.objects.filter(status__in=[Status.APPLIED, Status.REVIEWING]), user,
                    "view_care").count()  # query 1
    pairings = scope(Pairing.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today)), user,
                     "view_care").aggregate(  # query 2
        active=Count("id"), overdue=Count("id", filter=Q(last_contact_on__lt=overdue_before(today))))
    url = reverse("care:pairings")
    return {"title": _("关爱帮扶"), "cards": [
        {"label": _("待审核的帮扶申请"), "value": waiting, "url": reverse("care:home")},
        {"label": _("在结对"), "value": pairings["active"], "url": url},
        {"label": _("逾期未走访"), "value": pairings["overdue"], "url": f"{url}?overdue=1"},
    ]}
