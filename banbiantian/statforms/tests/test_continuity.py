"""The continuity rule: a 说明 alone is kept and satisfies it; no percentage change from nothing or zero."""

import datetime

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.statforms import selectors, services
from banbiantian.statforms.checks import changed_too_much
from banbiantian.statforms.models import Rule, Value

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
