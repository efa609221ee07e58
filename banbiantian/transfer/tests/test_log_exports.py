"""Exports of the audit log and the import log: what the list shows, filters applied, scope respected, logged."""

import io

import openpyxl
import pytest
from django.urls import reverse

from banbiantian.core import audit
from banbiantian.core.models import AuditEntry, User
from banbiantian.core.roles import Role
from banbiantian.transfer.models import ImportJob


def _rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.fixture
def entries(tree, personas):
    audit.record(actor=personas.village_a, action=AuditEntry.Action.VIEW, unit=tree.village_a,
                 object_type="people.person", object_id="1", object_repr="=cmd|' /C calc'!A0")
    audit.record(actor=personas.village_b, action=AuditEntry.Action.UPDATE, unit=tree.village_b,
                 object_type="people.person", object_id="2", object_repr="李春花", changes={"name": ["李春", "李春花"]})
    audit.record(actor=personas.county, action=AuditEntry.Action.UPDATE, unit=tree.village_c,
                 object_type="people.person", object_id="3", object_repr="西岭的人")


def test_audit_export_applies_filters_and_scope_and_is_logged(entries, tree, personas, login):
    county_of_township = User.objects.create_user(username="admin_dt", password="x", unit=tree.township,
                                                  role=Role.COUNTY_ADMIN)
    client = login(county_of_township)
    rows = _rows(client.get(reverse("audit:list"), {"action": "update", "format": "xlsx"}))
    assert rows[0][:3] == ("时间", "操作人", "操作")
    assert [r[5] for r in rows[1:]] == ["李春花"]  # the view in village A is filtered out, 西岭 is not hers
    assert rows[1][7] == "姓名：李春 → 李春花"
    logged = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT, object_type="core.auditentry")
    assert logged.actor == county_of_township and logged.changes["rows"] == 1
    assert logged.changes["filters"] == {"action": "update"}


def test_audit_export_escapes_formula_text(entries, personas, login):
    rows = _rows(login(personas.county).get(reverse("audit:list"), {"format": "xlsx", "action": "view"}))
    assert rows[1][5] == "'=cmd|' /C calc'!A0"


def test_audit_export_needs_the_permissions(entries, personas, login):
    assert login(personas.chair).get(reverse("audit:list"), {"format": "xlsx"}).status_code == 403
    assert login(personas.viewer).get(reverse("audit:list"), {"format": "xlsx"}).status_code == 403
    assert "导出Excel" in login(personas.county).get(reverse("audit:list")).content.decode()


def test_import_log_export(tree, personas, login):
    for unit, user, name, status in ((tree.village_a, personas.village_a, "东塘村台账.xlsx", "done"),
                                     (tree.village_a, personas.village_a, "=HYPERLINK(1).xlsx", "failed"),
                                     (tree.village_b, personas.village_b, "桥头村台账.xlsx", "done")):
        ImportJob.objects.create(registry="people", unit=unit, created_by=user, file_name=name, status=status,
                                 file="imports/x.xlsx", rows_total=3, rows_created=2, rows_failed=1)
    rows = _rows(login(personas.village_a).get(reverse("transfer:home"), {"format": "xlsx", "status": "done"}))
    assert [r[2] for r in rows[1:]] == ["东塘村台账.xlsx"]  # filtered, and village B's is not hers
    assert rows[1][1] == "人员信息" and rows[1][7:12] == (3, 2, 0, 0, 1)
    rows = _rows(login(personas.chair).get(reverse("transfer:home"), {"format": "xlsx"}))
    assert sorted(r[2] for r in rows[1:]) == ["'=HYPERLINK(1).xlsx", "东塘村台账.xlsx", "桥头村台账.xlsx"]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, object_type="transfer.importjob").count() == 2


def test_audit_export_masks_id_numbers_without_view_id_number(tree, personas):
    from banbiantian.core.views_audit import _changes_text

    entry = audit.record(actor=personas.county, action=AuditEntry.Action.CREATE, unit=tree.village_a,
                         object_type="people.person", object_id="9", object_repr="王秀英",
                         changes={"id_number": [None, "330122198503120023"], "name": [None, "王秀英"]})
    assert "330122********0023" in _changes_text(entry, full_id_numbers=False)
    assert "330122198503120023" not in _changes_text(entry, full_id_numbers=False)
    assert "330122198503120023" in _changes_text(entry, full_id_numbers=True)
