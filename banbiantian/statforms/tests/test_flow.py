"""Filling, checking, submitting, approving, returning and unlocking; frozen figures; sums;
a merged village."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from banbiantian.conftest import make_person
from banbiantian.core.metrics import Period
from banbiantian.core.models import AuditEntry, Level, OrgUnit, User
from banbiantian.core.roles import Role
from banbiantian.statforms import selectors, services
from banbiantian.statforms.models import Event, Report, State, Status, Value, ValueChange

from .conftest import IN_PERIOD, PERIOD, entries, fill


def _sheet(report):
    report.refresh_from_db()
    return selectors.sheet(form=report.form, unit=report.unit, period=report.period, report=report)


def _line(report, code):
    return next(line for line in _sheet(report).lines if line.cell.code == code)


def test_metric_cells_are_prefilled_and_overridden_only_with_an_explanation(reports, tree, personas):
    make_person(tree.village_a, birth=IN_PERIOD)
    make_person(tree.village_a, birth=IN_PERIOD)
    make_person(tree.village_b, birth=IN_PERIOD)
    assert _line(reports.a, "A").entry.number == 2
    assert _line(reports.township, "A").entry.number == 3
    with pytest.raises(ValidationError, match="改动系统取数"):
        fill(reports.a, personas.village_a, A=3)
    assert not Value.objects.filter(report=reports.a).exists()
    fill(reports.a, personas.village_a, A=3, A_comment="一名新生儿户口未迁入")
    line = _line(reports.a, "A")
    assert (line.entry.number, line.today, line.entry.comment) == (3, 2, "一名新生儿户口未迁入")
    # Back to the system's figure: the cell follows the count again.
    fill(reports.a, personas.village_a, A=2)
    make_person(tree.village_a, birth=IN_PERIOD)
    assert _line(reports.a, "A").entry.number == 3


def test_zero_not_applicable_and_missing_are_stored_apart(reports, personas):
    fill(reports.a, personas.village_a, B=0, C="na", D=None)
    stored = {v.cell.code: (v.state, v.number) for v in Value.objects.filter(report=reports.a).select_related("cell")}
    assert stored == {"B": (State.NUMBER, 0), "C": (State.NOT_APPLICABLE, None), "D": (State.MISSING, None)}
    lines = {line.cell.code: line.entry.text for line in _sheet(reports.a).lines}
    assert (lines["B"], lines["C"], lines["D"]) == ("0", "不适用", "未填报")


def test_value_history_and_audit(reports, personas):
    fill(reports.a, personas.village_a, B=10)
    fill(reports.a, personas.village_a, B=12, B_comment="核实后更正")
    history = [(c.cell.code, c.old, c.new, c.by.username, c.comment) for c in ValueChange.objects.order_by("id")]
    assert history == [("B", "未填报", "10", "village_a", ""), ("B", "10", "12", "village_a", "核实后更正")]
    entry = AuditEntry.objects.filter(object_type="statforms.report", object_id=str(reports.a.pk),
                                      action="update").first()
    assert entry.changes == {"女性劳动力·合计": ["10", "12"], "女性劳动力·合计·说明": ["", "核实后更正"]}


def test_a_second_editor_is_refused_and_shown_the_difference(reports, tree, personas):
    colleague = User.objects.create_user("colleague", unit=tree.village_a, role=Role.VILLAGE_DIRECTOR)
    seen = reports.a.version
    fill(reports.a, personas.village_a, B=10, C=2)
    stale = Report.objects.get(pk=reports.a.pk)
    with pytest.raises(services.Conflict) as exc:
        services.report_save(report=stale, version=seen, entries=entries(B=11, C=2), by=colleague)
    assert [(str(cell), theirs, yours) for cell, theirs, yours in exc.value.differences] == [
        ("女性劳动力·合计", "10", "11")]
    assert Value.objects.get(report=reports.a, cell__code="B").number == 10


def test_only_the_unit_itself_fills_its_report(reports, personas):
    with pytest.raises(ValidationError, match="只能填报本单位"):
        fill(reports.a, personas.chair, B=1)
    with pytest.raises(PermissionDenied):
        fill(reports.a, personas.viewer, B=1)
    assert not Value.objects.exists()


def test_a_blocking_rule_stops_submission_with_its_message(reports, personas):
    fill(reports.a, personas.village_a, B=10, C=11)
    with pytest.raises(ValidationError, match="外出务工不能多于劳动力"):
        services.report_submit(report=reports.a, by=personas.village_a)
    fill(reports.a, personas.village_a, B=10, C=4, D=5)  # breaks only the warning B = C + D
    page = _sheet(reports.a)
    assert [(p.message, p.blocking) for p in page.problems] == [("劳动力应等于务工加就业。", False)]
    services.report_submit(report=reports.a, by=personas.village_a)
    assert Report.objects.get(pk=reports.a.pk).status == Status.SUBMITTED


def test_continuity_against_last_period_needs_an_explanation(form, reports, personas):
    earlier = services.report_open(form=form, period=PERIOD.previous(), by=personas.village_a)
    fill(earlier, personas.village_a, B=10)
    services.report_submit(report=earlier, by=personas.village_a)
    fill(reports.a, personas.village_a, B=20)
    line = _line(reports.a, "B")
    assert (line.previous, line.last_year) == (10, None)
    with pytest.raises(ValidationError, match="劳动力变动超过50%"):
        services.report_submit(report=reports.a, by=personas.village_a)
    fill(reports.a, personas.village_a, B=20, B_comment="新并入一个自然村")
    services.report_submit(report=reports.a, by=personas.village_a)


def test_submitted_figures_are_frozen_and_todays_difference_shown(reports, tree, personas):
    make_person(tree.village_a, birth=IN_PERIOD)
    fill(reports.a, personas.village_a, B=10, C=4)
    services.report_submit(report=reports.a, by=personas.village_a)
    make_person(tree.village_a, birth=IN_PERIOD)  # recorded after submission
    line = _line(reports.a, "A")
    assert (line.entry.number, line.today, line.differs) == (1, 2, True)
    assert _line(reports.a, "S").entry.number == Decimal("40.0")
    with pytest.raises(ValidationError, match="不能修改"):
        fill(reports.a, personas.village_a, B=11)


def test_bottom_up_approval_return_and_unlock(reports, tree, personas):
    for report, user in ((reports.a, personas.village_a), (reports.b, personas.village_b),
                         (reports.township, personas.chair)):
        fill(report, user, B=10, C=4, D=6)
        services.report_submit(report=report, by=user)
    # The chair approves her villages, not her own report; a village director approves nothing.
    with pytest.raises(ValidationError, match="上级单位"):
        services.report_approve(report=reports.township, by=personas.chair)
    with pytest.raises(PermissionDenied):
        services.report_approve(report=reports.a, by=personas.village_b)
    services.report_approve(report=reports.a, by=personas.chair)
    with pytest.raises(ValidationError, match="桥头村"):
        services.report_approve(report=reports.township, by=personas.county)
    with pytest.raises(ValidationError, match="退回原因"):
        services.report_return(report=reports.b, reason=" ", by=personas.chair)
    services.report_return(report=reports.b, reason="C列请核实", by=personas.chair)
    b = Report.objects.get(pk=reports.b.pk)
    assert (b.status, b.return_reason) == (Status.RETURNED, "C列请核实")
    fill(b, personas.village_b, B=10, C=3, D=7)
    services.report_submit(report=b, by=personas.village_b)
    services.report_approve(report=b, by=personas.chair)
    services.report_approve(report=reports.township, by=personas.county)
    township = Report.objects.get(pk=reports.township.pk)
    assert township.status == Status.APPROVED and not township.editable
    # Unlocking needs unlock_forms (the chair has none) and a reason; it is logged.
    with pytest.raises(PermissionDenied):
        services.report_unlock(report=reports.a, reason="更正", by=personas.chair)
    with pytest.raises(ValidationError, match="解锁原因"):
        services.report_unlock(report=reports.a, reason="", by=personas.county)
    services.report_unlock(report=reports.a, reason="县统计局核查更正", by=personas.county)
    a = Report.objects.get(pk=reports.a.pk)
    assert a.status == Status.RETURNED and a.editable
    assert list(Event.objects.filter(report=a).values_list("kind", "reason")) == [
        ("submit", ""), ("approve", ""), ("unlock", "县统计局核查更正")]
    assert AuditEntry.objects.filter(object_type="statforms.report", object_id=str(a.pk),
                                     changes__reason="县统计局核查更正").exists()


def test_returned_report_follows_the_metric_again(reports, tree, personas):
    fill(reports.a, personas.village_a, B=1)
    services.report_submit(report=reports.a, by=personas.village_a)
    make_person(tree.village_a, birth=IN_PERIOD)
    assert _line(reports.a, "A").entry.number == 0
    services.report_return(report=reports.a, reason="请更新", by=personas.chair)
    assert _line(reports.a, "A").entry.number == 1
    assert _line(reports.a, "B").entry.number == 1


def test_summary_adds_reports_and_recomputes_shares(form, reports, tree, personas):
    make_person(tree.village_a, birth=IN_PERIOD)
    make_person(tree.village_b, birth=IN_PERIOD)
    fill(reports.a, personas.village_a, B=10, C=4, D=6, P=90, M="100.50")
    fill(reports.b, personas.village_b, B=5, C=1, D=4, P="na", M="na")
    services.report_submit(report=reports.a, by=personas.village_a)
    sums = selectors.summarise(form, [tree.township], PERIOD)[tree.township.pk]
    assert (sums.reported, sums.expected) == (1, 2)  # village B is still a draft
    services.report_submit(report=reports.b, by=personas.village_b)
    summary = selectors.summarise(form, [tree.county, tree.township, tree.village_a], PERIOD)
    township = summary[tree.township.pk]
    got = {code: e.text for code, e in township.entries.items()}
    # A from the metric; S = 5 / 15, not the average of 40% and 20%; a typed share is not added up.
    assert got == {"A": "2", "B": "15", "C": "5", "D": "10", "S": "33.3", "P": "未填报", "M": "100.5"}
    assert summary[tree.village_a.pk].entries["P"].number == 90
    # The township has not sent its own report: the county counts its villages' reports.
    assert summary[tree.county.pk].entries["B"].text == "15"
    assert summary[tree.county.pk].entries["A"].number == 2


def test_merged_village_reports_for_its_own_periods_and_the_trend_stays_whole(form, tree, personas):
    merged = OrgUnit.objects.create(code="330122101009", name="桥西村", level=Level.VILLAGE, parent=tree.township,
                                    active_to=datetime.date(2019, 12, 31))
    director = User.objects.create_user("qiaoxi", unit=merged, role=Role.VILLAGE_DIRECTOR)
    before, after = Period("quarter", 2019, 4), Period("quarter", 2020, 1)
    for period, values in ((before, {"a": 10, "m": 5}), (after, {"a": 15})):
        for user, key in ((personas.village_a, "a"), (director, "m"), (personas.village_b, "b")):
            if key == "m" and period == after:
                with pytest.raises(ValidationError, match="该报告期内不存在"):
                    services.report_open(form=form, period=period, by=user)
                continue
            report = services.report_open(form=form, period=period, by=user)
            fill(report, user, B=values.get(key, 0))
            services.report_submit(report=report, by=user)
            services.report_approve(report=report, by=personas.chair)
    # The merged village counts for 2019 Q4 (3 villages expected), not for 2020 Q1 (2).
    sums = {p: selectors.summarise(form, [tree.township], p)[tree.township.pk] for p in (before, after)}
    assert [(s.reported, s.expected, s.entries["B"].number) for s in sums.values()] == [(3, 3, 15), (2, 2, 15)]
    trend = selectors.trend(form, tree.township, after, n=2)
    assert [(p.key, e["B"].number) for p, e in trend] == [("2019-Q4", 15), ("2020-Q1", 15)]
    assert [u.name for u in selectors.comparison_units(form, tree.township, before)] == ["东塘村", "桥头村", "桥西村"]
    assert [u.name for u in selectors.comparison_units(form, tree.township, after)] == ["东塘村", "桥头村"]
    township = services.report_open(form=form, period=before, by=personas.chair)
    fill(township, personas.chair, B=15)
    services.report_submit(report=township, by=personas.chair)
    services.report_approve(report=township, by=personas.county)  # all three villages approved


def test_approval_waits_for_a_merged_village_of_that_period(form, tree, personas):
    OrgUnit.objects.create(code="330122101009", name="桥西村", level=Level.VILLAGE, parent=tree.township,
                           active_to=datetime.date(2019, 12, 31))
    township = services.report_open(form=form, period=Period("quarter", 2019, 4), by=personas.chair)
    services.report_submit(report=township, by=personas.chair)
    with pytest.raises(ValidationError, match="东塘村、桥头村、桥西村"):
        services.report_approve(report=township, by=personas.county)


def test_status_board(form, tree, personas):
    import django.utils.timezone as tz

    today = tz.localdate()
    period = selectors.last_closed("quarter", today)
    report = services.report_open(form=form, period=period, by=personas.chair)
    services.report_submit(report=report, by=personas.chair)
    board = selectors.status_board(user=personas.county, today=today)
    column = [f.pk for f, _p in board["columns"]].index(form.pk)
    cells = {unit.name: line[column] for unit, line in board["rows"]}
    assert cells["东塘镇"].label == "已上报" and cells["东塘镇"].below == "0/2"
    assert cells["西岭乡"].label == "未开始"
    late = {(s.form.code, s.unit.name, s.period.key) for s in board["overdue"]}
    past_deadline = today > form.deadline(period)
    assert (("测试1表", "西岭乡", period.key) in late) == past_deadline
    assert ("测试1表", "东塘镇", period.key) not in late
    # An earlier quarter never sent is overdue too.
    assert ("测试1表", "东塘镇", period.previous().key) in late


def test_township_sheet_shows_what_its_villages_sent(reports, tree, personas):
    make_person(tree.village_a, birth=IN_PERIOD)
    fill(reports.a, personas.village_a, B=10, C=4, D=6)
    services.report_submit(report=reports.a, by=personas.village_a)
    fill(reports.b, personas.village_b, B=5, C=1, D=4)  # a draft: not counted
    page = _sheet(reports.township)
    assert (page.below.reported, page.below.expected) == (1, 2)
    below = {line.cell.code: line.below.text for line in page.lines}
    # The metric figure as village A sent it (frozen at 1), not counted again.
    assert (below["A"], below["B"], below["C"], below["S"]) == ("1", "10", "4", "40")
    assert _sheet(reports.a).below is None
