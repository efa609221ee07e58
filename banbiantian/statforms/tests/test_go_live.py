"""Owed periods start when the form and the unit started using the product: a period that ended before
the form's start date or the unit's go-live date (上线日期) is nobody's debt — not on the overdue list,
not on the dashboard, not holding up an approval above."""

import datetime

from django.urls import reverse
from django.utils import timezone

from banbiantian.core import services as core_services
from banbiantian.core.models import AuditEntry, OrgUnit
from banbiantian.statforms import selectors, services
from banbiantian.statforms.dashboard import statforms_panel
from banbiantian.statforms.models import FormDefinition, Status

from .conftest import PERIOD, fill


def _overdue(user, form):
    board = selectors.status_board(user=user, today=timezone.localdate())
    return {(s.unit.name, s.period.key) for s in board["overdue"] if s.form == form}


def test_periods_before_a_units_go_live_are_not_owed(form, tree, personas):
    today = timezone.localdate()
    periods = selectors.due_periods("quarter", today)
    overdue = [p for p in periods if today > form.deadline(p)]
    before = _overdue(personas.county, form)
    assert {(tree.village_a.name, p.key) for p in overdue} <= before
    # Village A went live on the first day of the newest ended quarter: the older ones are not its debt.
    OrgUnit.objects.filter(pk=tree.village_a.pk).update(live_from=periods[0].start)
    after = _overdue(personas.county, form)
    assert {(tree.village_a.name, p.key) for p in overdue if p != periods[0]}.isdisjoint(after)
    assert (tree.village_a.name, periods[0].key) in after or today <= form.deadline(periods[0])
    assert {(tree.village_b.name, p.key) for p in overdue} <= after  # village B is untouched


def test_periods_before_a_forms_start_date_are_not_owed(form, tree, personas):
    periods = selectors.due_periods("quarter", timezone.localdate())
    personas.village_a.unit.refresh_from_db()
    owed_before = {c["label"]: c["value"] for c in statforms_panel(personas.village_a)["cards"]}["本单位待上报报表"]
    FormDefinition.objects.filter(pk=form.pk).update(start_date=periods[0].start)
    owed_after = {c["label"]: c["value"] for c in statforms_panel(personas.village_a)["cards"]}["本单位待上报报表"]
    assert owed_before - owed_after == len(periods) - 1
    assert not {(tree.village_b.name, p.key) for p in periods[1:]} & _overdue(personas.county, form)


def test_a_village_not_yet_live_does_not_hold_up_the_township(reports, tree, personas):
    fill(reports.a, personas.village_a, B=10, C=4, D=6, P=98, M=1)
    services.report_submit(report=reports.a, by=personas.village_a)
    services.report_approve(report=reports.a, by=personas.chair)
    fill(reports.township, personas.chair, B=20, C=8, D=12, P=98, M=1)
    services.report_submit(report=reports.township, by=personas.chair)
    assert [u.name for u in services.pending_below(report=reports.township)] == [tree.village_b.name]
    OrgUnit.objects.filter(pk=tree.village_b.pk).update(live_from=PERIOD.end + datetime.timedelta(days=1))
    assert services.pending_below(report=reports.township) == []
    assert services.report_approve(report=reports.township, by=personas.county).status == Status.APPROVED


def test_a_new_unit_goes_live_when_created_and_the_date_is_editable(tree, personas, login):
    unit = core_services.org_unit_create(by=personas.county, parent=tree.township, code="330122001099",
                                         name="新建村", level="village")
    assert unit.live_from == timezone.localdate()
    client = login(personas.county)
    url = reverse("org:live_from", args=[unit.pk])
    assert "上线日期" in client.get(url).content.decode()
    page = client.post(url, {"live_from": "2026-04-01"}, follow=True).content.decode()
    assert "已保存" in page and "2026-04-01" in page
    unit.refresh_from_db()
    assert unit.live_from == datetime.date(2026, 4, 1)
    entry = AuditEntry.objects.filter(object_id=str(unit.pk), changes__has_key="live_from").get()
    assert entry.changes["live_from"] == [str(timezone.localdate()), "2026-04-01"]


def test_a_new_forms_start_date_defaults_to_today(personas, login):
    page = login(personas.county).get(reverse("statforms:form_create")).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page and "开始填报日期" in page
