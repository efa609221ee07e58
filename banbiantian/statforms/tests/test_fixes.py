"""Regressions from the tester's round (issue 6): a 说明 kept on its own, reconciling sums,
periods following the form, Chinese empty choices, overdue forms, continuity from 0, unlocking
below reopens above."""

import datetime

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.statforms import selectors, services
from banbiantian.statforms.checks import changed_too_much
from banbiantian.statforms.models import Report, Rule, Status, Value

from .conftest import IN_PERIOD, PERIOD, fill


def _line(report, code):
    report.refresh_from_db()
    page = selectors.sheet(form=report.form, unit=report.unit, period=report.period, report=report)
    return page, next(line for line in page.lines if line.cell.code == code)


def test_an_explanation_alone_is_kept_and_satisfies_the_continuity_rule(form, reports, tree, personas):
    Rule.objects.create(form=form, kind="prev", left="A", threshold=10, blocking=True, message="出生人数变动超过10%。")
    before = PERIOD.previous().start + datetime.timedelta(days=3)
    for _i in range(4):
        make_person(tree.village_a, birth=before)
    make_person(tree.village_a, birth=IN_PERIOD)
    page, line = _line(reports.a, "A")
    assert [p.message for p in page.blocking] == ["出生人数变动超过10%。"]
    fill(reports.a, personas.village_a, A=1, A_comment="上季度集中补登", B=1, C=0, D=1)
    page, line = _line(reports.a, "A")
    assert (line.entry.number, line.entry.comment) == (1, "上季度集中补登")
    assert page.blocking == []
    entry = AuditEntry.objects.filter(object_type="statforms.report", object_id=str(reports.a.pk),
                                      action="update").first()
    assert entry.changes["出生人数·说明"] == ["", "上季度集中补登"]
    # Still the system's figure: it follows the count while a draft, frozen on submission.
    make_person(tree.village_a, birth=IN_PERIOD)
    assert _line(reports.a, "A")[1].entry.number == 2
    services.report_submit(report=reports.a, by=personas.village_a)
    make_person(tree.village_a, birth=IN_PERIOD)
    page, line = _line(reports.a, "A")
    assert (line.entry.number, line.entry.comment, line.today) == (2, "上季度集中补登", 3)
    assert not Value.objects.get(report=reports.a, cell__code="A").overridden


def test_no_percentage_change_from_nothing_or_zero():
    assert not changed_too_much(12, 0, 10)
    assert not changed_too_much(12, None, 10)
    assert changed_too_much(12, 10, 10)
    assert not changed_too_much(11, 10, 10)


def test_unlocking_a_village_reopens_its_approved_township(reports, tree, personas):
    for report, user in ((reports.a, personas.village_a), (reports.b, personas.village_b),
                         (reports.township, personas.chair)):
        fill(report, user, B=10, C=4, D=6)
        services.report_submit(report=report, by=user)
    services.report_approve(report=reports.a, by=personas.chair)
    services.report_approve(report=reports.b, by=personas.chair)
    services.report_approve(report=reports.township, by=personas.county)
    services.report_unlock(report=reports.a, reason="县统计局核查更正", by=personas.county)
    township = Report.objects.get(pk=reports.township.pk)
    assert township.status == Status.RETURNED and township.editable
    assert "东塘村" in township.return_reason
    assert township.events.last().kind == "unlock"
    assert Report.objects.get(pk=reports.b.pk).status == Status.APPROVED  # a sibling stays approved


def test_summary_rows_are_what_each_unit_sent_and_the_total_is_their_sum(form, reports, tree, personas, login):
    from django.urls import reverse

    make_person(tree.village_a, birth=IN_PERIOD)
    fill(reports.a, personas.village_a, B=10, C=4, D=6)
    fill(reports.b, personas.village_b, B=5, C=1, D=4)
    fill(reports.township, personas.chair, B=12, C=3, D=9)
    for report, user in ((reports.a, personas.village_a), (reports.b, personas.village_b),
                         (reports.township, personas.chair)):
        services.report_submit(report=report, by=user)
    units = [tree.county, *selectors.comparison_units(form, tree.county, PERIOD)]
    sums = selectors.summarise(form, units, PERIOD)
    township = sums[tree.township.pk]
    # The township's row is its own report, not the sum of its villages (15).
    assert (township.source, township.entries["B"].number, township.entries["S"].number) == ("own", 12, 25)
    county = sums[tree.county.pk]
    for code in ("A", "B", "C", "D"):
        rows = [sums[u.pk].entries[code].number or 0 for u in units[1:]]
        assert county.entries[code].number == sum(rows), code
    assert county.entries["B"].number == 12 and county.entries["S"].number == 25
    # A township's own report is its total; its villages' sum stands beside it.
    page = login(personas.chair).get(reverse("statforms:summary"),
                                     {"form": form.pk, "unit": tree.township.pk, "period": PERIOD.key})
    text = page.content.decode()
    assert "合计（本单位上报）" in text and "下级合计" in text and "本单位已上报" in text


def test_a_period_of_the_wrong_kind_is_a_chinese_message_and_periods_follow_the_form(form, tree, personas, login):
    from django.urls import reverse

    from banbiantian.statforms.models import FormDefinition

    annual = FormDefinition.objects.get(code="妇统年1表")
    client = login(personas.county)
    for name in ("statforms:summary", "statforms:chart"):
        page = client.get(reverse(name), {"form": annual.pk, "unit": tree.county.pk, "period": "2026-Q4"})
        text = page.content.decode()
        assert page.status_code == 200 and "报告期“2026-Q4”不适用于" in text, name
        assert 'value="2025"' in text and 'value="2025-Q4"' not in text
    chart = client.get(reverse("statforms:chart"), {"form": annual.pk}).content.decode()
    first = annual.cells.first()
    assert f'<option value="{first.code}"' in chart


def test_empty_choices_are_chinese(form, personas, login):
    from django.urls import reverse

    client = login(personas.county)
    for url in (reverse("statforms:summary"), reverse("statforms:chart"), reverse("statforms:form", args=[form.pk]),
                reverse("statforms:form_edit", args=[form.pk]), reverse("statforms:form_create")):
        text = client.get(url).content.decode()
        assert "Select an option" not in text and "---------" not in text, url


def test_past_deadlines_not_sent_are_overdue_everywhere(form, tree, personas, login):
    import django.utils.timezone as tz
    from django.urls import reverse

    from banbiantian.statforms.dashboard import statforms_panel

    today = tz.localdate()
    old = selectors.due_periods("year", today)[-1]  # three years back: long past its deadline
    home = login(personas.chair).get(reverse("statforms:home")).content.decode()
    row = home[home.index(f"<td data-label=\"报告期\">{old.label}</td>"):]
    assert "逾期" in row[:row.index("</tr>")]
    cards = {card["label"]: card["value"] for card in statforms_panel(personas.chair)["cards"]}
    assert cards["其中已逾期"] >= 2  # the two yearly forms of that year at least
    board = selectors.status_board(user=personas.county, today=today)
    assert ("妇统年1表", "东塘镇", old.key) in {(s.form.code, s.unit.name, s.period.key) for s in board["overdue"]}


def test_forms_home_lists_what_is_owed_and_links_back_to_planning(form, personas, login):
    from django.urls import reverse

    text = login(personas.chair).get(reverse("statforms:home")).content.decode()
    assert f'href="{reverse("planning:home")}">计划统计</a>' in text
    assert "本单位待上报 12 份" in text  # 4 forms × their 3 ended periods of the window


def test_a_figure_links_to_its_records_only_for_those_who_may_open_them(tree, personas):
    from banbiantian.core.metrics import Period
    from banbiantian.statforms.selectors import figure_url

    period = Period("year", 2026)
    assert figure_url("rights.cases_received", tree.township, period, personas.county)
    assert figure_url("rights.cases_received", tree.township, period, personas.viewer) == ""  # would be 403
    assert figure_url("people.women", tree.township, period, personas.viewer)
