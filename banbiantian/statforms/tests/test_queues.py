"""What a unit owes shows on its 待办; the unit above chases it (催报), marks it 未收到 with a reason so the
approval above can go on with it named, and approves many reports at once, each audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from banbiantian.core.dashboard import todo
from banbiantian.core.models import AuditEntry
from banbiantian.statforms import selectors, services
from banbiantian.statforms.models import Event, Reminder, Report, Status

from .conftest import PERIOD, fill

FULL = {"B": 10, "C": 4, "D": 6, "P": 98, "M": 1}


def _mine(user, form):
    return [i for i in todo(user) if form.name in i.text]


def _send(report, user):
    fill(report, user, **FULL)
    return services.report_submit(report=report, by=user)


def test_a_village_sees_what_it_owes_and_never_another_villages(reports, form, personas):
    owed = _mine(personas.village_a, form)
    assert f"上报{form.name}（{PERIOD.label}）" in [i.text for i in owed]
    assert all(i.due is not None for i in owed)
    own = next(i for i in owed if PERIOD.label in i.text)
    assert own.url == reports.a.get_absolute_url() and own.due == form.deadline(PERIOD)
    _send(reports.a, personas.village_a)
    assert PERIOD.label not in " ".join(i.text for i in _mine(personas.village_a, form))
    assert PERIOD.label in " ".join(i.text for i in _mine(personas.village_b, form))  # B still owes its own


def test_a_returned_report_is_on_the_todo_with_the_reason(reports, form, personas):
    _send(reports.a, personas.village_a)
    services.report_return(report=reports.a, reason="B项与上期差距过大", by=personas.chair)
    texts = [i.text for i in _mine(personas.village_a, form)]
    assert f"{form.name}（{PERIOD.label}）已退回，请修改后重新上报：B项与上期差距过大" in texts


def test_reminder_shows_on_the_owing_units_todo_until_it_is_sent(reports, form, tree, personas, login):
    client = login(personas.chair)
    page = client.get(reports.township.get_absolute_url()).content.decode()
    assert "下级报送情况" in page and "催报" in page
    client.post(reverse("statforms:remind"), {"form": form.pk, "unit": tree.village_a.pk, "period": PERIOD.key})
    reminder = Reminder.objects.get()
    assert (reminder.unit, reminder.by, reminder.period_key) == (tree.village_a, personas.chair, PERIOD.key)
    assert AuditEntry.objects.filter(object_type="statforms.reminder", unit=tree.village_a).exists()
    item = next(i for i in _mine(personas.village_a, form) if PERIOD.label in i.text)
    assert "催报" in item.text and str(personas.chair) in item.text
    assert not any("催报" in i.text for i in _mine(personas.village_b, form))
    dashboard = login(personas.village_a).get(reverse("dashboard")).content.decode()
    assert "催报" in dashboard[dashboard.index('id="todo"'):]
    _send(reports.a, personas.village_a)
    with pytest.raises(ValidationError, match="无需催报"):
        services.report_remind(by=personas.chair, form=form, unit=tree.village_a, period=PERIOD)


def test_a_village_cannot_chase_or_mark_another(form, tree, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.report_remind(by=personas.village_a, form=form, unit=tree.village_b, period=PERIOD)
    with pytest.raises(ValidationError, match="只有上级单位"):
        services.report_mark_absent(by=personas.chair, form=form, unit=tree.township, period=PERIOD, reason="x")


def test_not_received_lets_the_county_approve_with_the_village_named(reports, form, tree, personas, login):
    _send(reports.a, personas.village_a)
    services.report_approve(report=reports.a, by=personas.chair)
    _send(reports.township, personas.chair)
    with pytest.raises(ValidationError, match="尚未全部审核通过"):
        services.report_approve(report=reports.township, by=personas.county)
    with pytest.raises(ValidationError, match="原因"):
        services.report_mark_absent(by=personas.chair, form=form, unit=tree.village_b, period=PERIOD, reason=" ")
    login(personas.chair).post(reverse("statforms:mark_absent"), {
        "form": form.pk, "unit": tree.village_b.pk, "period": PERIOD.key, "reason": "村妇联主席长期外出"})
    assert Report.objects.get(form=form, unit=tree.village_b, period_key=PERIOD.key).status == Status.ABSENT
    page = login(personas.county).get(reports.township.get_absolute_url()).content.decode()
    assert "未收到的下级报表" in page and "村妇联主席长期外出" in page
    services.report_approve(report=reports.township, by=personas.county)
    approval = Event.objects.get(report=reports.township, kind=Event.Kind.APPROVE)
    assert approval.reason == f"未收到：{tree.village_b.name}（村妇联主席长期外出）"
    summary = login(personas.county).get(reverse("statforms:summary"), {
        "form": form.pk, "unit": tree.township.pk, "period": PERIOD.key}).content.decode()
    assert "未收到的报表（不计入合计）" in summary and "村妇联主席长期外出" in summary
    # The village may still send it: it is still owed, and sending clears the mark.
    assert any(PERIOD.label in i.text for i in _mine(personas.village_b, form))
    assert _send(Report.objects.get(form=form, unit=tree.village_b, period_key=PERIOD.key),
                 personas.village_b).status == Status.SUBMITTED


def test_approval_queue_grouped_by_form_and_period_and_approved_in_a_batch(reports, form, tree, personas, login):
    _send(reports.a, personas.village_a)
    _send(reports.b, personas.village_b)
    queue = selectors.approval_queue(user=personas.chair)
    assert [(f.pk, p.key, [r.unit.name for r in rs]) for (f, p), rs in queue] == [
        (form.pk, PERIOD.key, [tree.village_a.name, tree.village_b.name])]
    item = next(i for i in todo(personas.chair) if i.text.startswith("审核下级报表"))
    assert item.count == 2 and f"（{PERIOD.label}）" in item.text
    assert not any(i.text.startswith("审核下级报表") for i in todo(personas.county))  # villages are the township's
    client = login(personas.chair)
    home = client.get(reverse("statforms:home")).content.decode()
    assert 'id="approve"' in home and "批量审核通过" in home
    page = client.post(reverse("statforms:batch_approve"), {"report": [reports.a.pk, reports.b.pk]},
                       follow=True).content.decode()
    assert "已审核通过2份报表" in page
    assert set(Report.objects.filter(pk__in=[reports.a.pk, reports.b.pk]).values_list("status", flat=True)) == {
        Status.APPROVED}
    for report in (reports.a, reports.b):
        assert Event.objects.filter(report=report, kind=Event.Kind.APPROVE, by=personas.chair).count() == 1
        assert AuditEntry.objects.filter(object_type="statforms.report", object_id=str(report.pk),
                                         changes__status=[None, "approved"]).exists()


def test_a_batch_with_one_that_cannot_be_approved_approves_none(reports, form, personas, login):
    _send(reports.a, personas.village_a)
    page = login(personas.chair).post(reverse("statforms:batch_approve"),
                                      {"report": [reports.a.pk, reports.b.pk]}, follow=True).content.decode()
    assert "本次没有审核任何报表" in page
    assert Report.objects.get(pk=reports.a.pk).status == Status.SUBMITTED
    # Another unit's report cannot be slipped into the batch.
    assert login(personas.other_chair).post(reverse("statforms:batch_approve"),
                                            {"report": [reports.a.pk]}).status_code == 404


def test_a_submitted_report_says_who_approves_it(reports, tree, personas, login):
    _send(reports.a, personas.village_a)
    page = login(personas.village_a).get(reports.a.get_absolute_url()).content.decode()
    assert f"已上报，等待{tree.township.name}审核" in page


def test_status_board_leaves_out_a_unit_not_live_for_the_period(form, tree, personas):
    import datetime

    from django.utils import timezone

    from banbiantian.core.models import OrgUnit

    period = selectors.last_closed("quarter", timezone.localdate())
    board = selectors.status_board(user=personas.county, today=timezone.localdate())
    column = [f.pk for f, _p in board["columns"]].index(form.pk)
    row = dict(board["rows"])[tree.township]
    assert row[column] is not None and row[column].below == "0/2"
    OrgUnit.objects.filter(pk=tree.village_b.pk).update(live_from=period.end + datetime.timedelta(days=1))
    board = selectors.status_board(user=personas.county, today=timezone.localdate())
    assert dict(board["rows"])[tree.township][column].below == "0/1"


def test_the_county_chases_an_overdue_township_from_the_status_page(form, tree, personas, login):
    from django.utils import timezone

    client = login(personas.county)
    page = client.get(reverse("statforms:status")).content.decode()
    assert f'aria-label="向{tree.township.name}催报"' in page
    period = next(p for p in selectors.due_periods("quarter", timezone.localdate()) if timezone.localdate() > form.deadline(p))
    response = client.post(reverse("statforms:remind"), {"form": form.pk, "unit": tree.township.pk,
                                                          "period": period.key, "next": reverse("statforms:status")})
    assert response.status_code == 302 and response["Location"] == reverse("statforms:status")
    assert any("催报" in i.text and period.label in i.text for i in _mine(personas.chair, form))
    # A next= pointing elsewhere is not followed.
    response = client.post(reverse("statforms:remind"), {"form": form.pk, "unit": tree.township.pk,
                                                          "period": period.key, "next": "https://evil.example/"})
    assert response["Location"] == reverse("statforms:home")
