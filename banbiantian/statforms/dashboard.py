"""The statistical forms' dashboard panel: what the user's unit still has to send, and what
waits for her approval."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import LOCKED, FormDefinition, Status
from .selectors import due_periods, owes, report_list


def statforms_panel(user) -> dict | None:
    """Three queries: active forms, the unit's reports of their ended periods (the window the
    forms page lists), the count of submitted reports below waiting for approval. Every ended
    period not sent is owed; past its deadline it is overdue."""
    if not user.has_perm_name("view_plans") or user.unit is None:
        return None
    today = timezone.localdate()
    cards = []
    if user.has_perm_name("fill_forms"):
        forms = [f for f in FormDefinition.objects.filter(active=True) if user.unit.level in f.level_list]
        owed = {f.pk: due_periods(f.period_kind, today) for f in forms}
        sent = {(r.form_id, r.period_key) for r in report_list(user=user, unit=user.unit).filter(
            status__in=LOCKED, period_key__in={p.key for ps in owed.values() for p in ps})}
        due = [(f, p) for f in forms for p in owed[f.pk] if (f.pk, p.key) not in sent and owes(f, user.unit, p)]
        if forms:
            cards.append({"label": _("本单位待上报报表"), "value": len(due), "url": reverse("statforms:home")})
            cards.append({"label": _("其中已逾期"), "value": sum(1 for f, p in due if today > f.deadline(p)),
                          "url": reverse("statforms:home")})
    if user.has_perm_name("approve_forms"):
        waiting = report_list(user=user).filter(status=Status.SUBMITTED).exclude(unit=user.unit).count()
        cards.append({"label": _("待审核的下级报表"), "value": waiting, "url": reverse("statforms:home")})
    if not cards:
        return None
    return {"title": _("统计报表"), "cards": cards}
