"""The statistical forms' dashboard panel: what the user's unit still has to send, and what
waits for her approval."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core.dashboard import TodoItem

from .models import LOCKED, FormDefinition, Reminder, Status
from .selectors import approval_queue, due_periods, owes, report_list


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
        waiting = report_list(user=user).filter(status=Status.SUBMITTED, unit__parent=user.unit).count()
        cards.append({"label": _("待审核的下级报表"), "value": waiting, "url": reverse("statforms:home")})
    if not cards:
        return None
    return {"title": _("统计报表"), "cards": cards}


def todo(user) -> list[TodoItem]:
    """What the user's unit owes and what waits for her: every owed report of the window not yet sent
    (returned ones with the reason, reminded ones with who reminded), and the reports of the units
    directly below waiting for her approval, one line per form and period. Queries: forms, the unit's
    reports, its reminders, the reports waiting."""
    if not user.has_perm_name("view_plans") or user.unit is None:
        return []
    today = timezone.localdate()
    home = reverse("statforms:home")
    items = []
    if user.has_perm_name("fill_forms"):
        unit = user.unit
        forms = [f for f in FormDefinition.objects.filter(active=True) if unit.level in f.level_list]
        owed = {f.pk: due_periods(f.period_kind, today) for f in forms}
        mine = {(r.form_id, r.period_key): r for r in report_list(user=user, unit=unit)}
        reminded = {}
        for reminder in Reminder.objects.filter(unit=unit).select_related("by").order_by("at"):
            reminded[(reminder.form_id, reminder.period_key)] = reminder  # the latest wins
        owing = [(f, p) for f in forms for p in owed[f.pk] if owes(f, unit, p)]
        # A report sent back is owed again, whichever period it is of.
        owing += [(r.form, r.period) for r in mine.values() if r.status == Status.RETURNED
                  and (r.form_id, r.period_key) not in {(f.pk, p.key) for f, p in owing}]
        for form, period in owing:
            report = mine.get((form.pk, period.key))
            if report is not None and report.status in LOCKED:
                continue
            label = {"f": form.name, "p": period.label}
            if report is not None and report.status == Status.RETURNED:
                text = _("%(f)s（%(p)s）已退回，请修改后重新上报：%(r)s") % {**label, "r": report.return_reason}
            else:
                text = _("上报%(f)s（%(p)s）") % label
            reminder = reminded.get((form.pk, period.key))
            if reminder is not None:
                text += _(" · %(who)s于%(on)s催报") % {"who": reminder.by, "on": f"{timezone.localtime(reminder.at):%m-%d}"}
            items.append(TodoItem(text, report.get_absolute_url() if report else home, 1, form.deadline(period)))
    if user.has_perm_name("approve_forms"):
        waiting = approval_queue(user=user)
        for (form, period), reports in waiting:
            items.append(TodoItem(_("审核下级报表：%(f)s（%(p)s）") % {"f": form.name, "p": period.label},
                                  reports[0].get_absolute_url() if len(reports) == 1 else f"{home}#approve",
                                  len(reports), None))
    return items
