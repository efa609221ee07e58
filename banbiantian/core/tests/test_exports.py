"""One home for .xlsx downloads (core.exports): list rows streamed and formatted workbooks both
come out formula-escaped, and each download is logged through core.services.export_logged —
no view writes audit rows itself."""

import ast
import io
import pathlib
from urllib.parse import quote

from django.test import RequestFactory
from openpyxl import Workbook, load_workbook

from banbiantian.core import exports
from banbiantian.core.models import AuditEntry


def test_a_list_export_is_escaped_named_and_logged(personas):
    request = RequestFactory().get("/x/", {"q": "王", "format": "xlsx", "unit": ""}, REMOTE_ADDR="10.0.0.8")
    request.user = personas.county
    response = exports.logged_list_export(request, label="测试名单", headers=["姓名", "备注"],
                                          rows=iter([["王秀英", "=cmd|' /C calc'!A0"], ["李爱华", "-1+1"]]),
                                          object_type="people.person", changes={"id_numbers": "masked"})
    assert quote("测试名单-") in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))
    assert rows == [("姓名", "备注"), ("王秀英", "'=cmd|' /C calc'!A0"), ("李爱华", "'-1+1")]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert (entry.actor, entry.unit, entry.object_type, entry.object_repr, entry.ip_address) == (
        personas.county, personas.county.unit, "people.person", "导出测试名单2条", "10.0.0.8")
    assert entry.changes == {"rows": 2, "id_numbers": "masked", "filters": {"q": "王"}}


def test_a_formatted_workbook_is_escaped_too():
    wb = Workbook()
    wb.active.append(["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "正常", -3])
    wb.create_sheet("第二页").append(["=1+1"])
    response = exports.workbook_response(wb, "维权信访统计_东塘镇.xlsx")
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    book = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in book.worksheets[0][1]] == ["'=HYPERLINK(\"http://x\")", "'+1", "'@SUM(A1)", "正常", -3]
    assert book.worksheets[1]["A1"].value == "'=1+1" and book.worksheets[1]["A1"].data_type == "s"


ROOT = pathlib.Path(__file__).resolve().parents[2]
# Where an audit row may be written: the services, the audit module itself, the login signals,
# the demo seeders (each area's demo.py and the demo county, banbiantian/demo/county.py) and the import
# registries' writers (called inside the import service's batch).
ALLOWED = {"services.py", "audit.py", "signals.py", "demo.py", "county.py", "transfer.py"}


def _writes_audit(tree) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "record"
               and isinstance(n.func.value, ast.Name) and n.func.value.id == "audit" for n in ast.walk(tree))


def test_audit_rows_are_written_by_services_only():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or path.name in ALLOWED or "services" in path.parts:
            continue
        if _writes_audit(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, "write audit rows in a service (e.g. core.services.export_logged)"
