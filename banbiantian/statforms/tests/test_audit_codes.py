"""A report's way upward is audited with its status code; the audit page shows the Chinese label."""

from banbiantian.core.models import AuditEntry
from banbiantian.statforms import services
from banbiantian.statforms.models import Status
from banbiantian.statforms.tests.conftest import fill


def test_the_audit_row_stores_the_status_code_and_shows_its_label(reports, personas):
    fill(reports.a, personas.village_a, B=10, C=4, D=5)
    services.report_submit(report=reports.a, by=personas.village_a)
    entry = AuditEntry.objects.filter(object_type="statforms.report", object_id=str(reports.a.pk),
                                      changes__has_key="status").latest("id")
    assert entry.changes["status"] == [None, Status.SUBMITTED]
    assert ("状态", None, "已上报") in [(str(label), before, after) for label, before, after in entry.change_lines()]


def test_audit_rows_written_with_the_label_still_show_it():
    entry = AuditEntry(object_type="statforms.report", changes={"status": [None, "已上报"]})
    assert [after for _label, _before, after in entry.change_lines()] == ["已上报"]
