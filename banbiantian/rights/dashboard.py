import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.dashboard import TodoItem
from banbiantian.core.models import Level
from banbiantian.core.selectors import child_units

from .models import OPEN_STATUSES, Case, DisputeScreening, Referral, RiskLevel, Status, VillageFollowUp
from .selectors import awaiting_decision, case_list, overdue_q, visible_records


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


def _one_or_list(cases, list_url: str) -> str:
    return reverse("rights:detail", args=[cases[0].pk]) if len(cases) == 1 else list_url


def todo(user) -> list[TodoItem]:
    """What the user owes on rights cases: closings and extensions waiting for her approval (she is the
    nearest approver and did not ask), her own unit's cases overdue or due within 7 days, and the cases
    handed to her village (交村跟进) with no follow-up recorded since, and a village's monthly 矛盾纠纷排查.
    Queries: at most seven."""
    if not (user.has_perm_name("view_rights_cases") or user.has_perm_name("register_rights_cases")):
        return []
    today = timezone.localdate()
    home = reverse("rights:home")
    items = []
    closing, extending = awaiting_decision(user)
    if closing:
        items.append(TodoItem(_("待您审批办结的案件"), _one_or_list(closing, f"{home}?status=close_proposed"),
                              len(closing), min((c.close_due for c in closing if c.close_due), default=None)))
    if extending:
        items.append(TodoItem(_("待您审批的延期申请"), _one_or_list(extending, f"{home}?status=accepted"),
                              len(extending), min((c.close_due for c in extending if c.close_due), default=None)))
    if user.has_perm_name("edit_rights_cases"):
        own = case_list(user=user).filter(unit=user.unit).order_by()
        late = own.filter(overdue_q(today)).aggregate(n=Count("id"), first=Min("due_on"))
        if late["n"]:
            items.append(TodoItem(_("本单位已逾期的案件"), f"{home}?due=overdue", late["n"], late["first"]))
        soon = own.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=7)).exclude(
            overdue_q(today)).aggregate(n=Count("id"), first=Min("due_on"))
        if soon["n"]:
            items.append(TodoItem(_("本单位7日内到期的案件"), f"{home}?due=week", soon["n"], soon["first"]))
    # This month's 矛盾纠纷排查, owed by every village that is live (one report a month, "none found" included).
    unit = user.unit
    if unit.level == Level.VILLAGE and user.has_perm_name("register_rights_cases"):
        month = today.replace(day=1)
        month_end = (month + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        live = unit.owes_from is None or unit.owes_from <= month_end
        if live and not DisputeScreening.objects.filter(unit=unit, month=month).exists():
            items.append(TodoItem(_("填报本月矛盾纠纷排查（%(m)s）") % {"m": f"{month:%Y-%m}"},
                                  reverse("rights:screening"), 1, month_end))
    # 交村跟进: handed to her, still open or awaiting its return visit, nothing recorded by her since.
    handed = visible_records(Case.objects.filter(assigned_to=user), user).exclude(status__in=[Status.REJECTED, Status.VISITED]) \
        .exclude(pk__in=VillageFollowUp.objects.filter(by=user).values("case_id")) \
        .order_by("due_on", "id").values_list("pk", "number", "due_on")[:20]
    for pk, number, due in handed:
        items.append(TodoItem(_("交村跟进：%(n)s，请登记跟进情况") % {"n": number},
                              reverse("rights:detail", args=[pk]) + "#village-followups", 1, due))
    return items
