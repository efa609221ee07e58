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
# the demo seeders and the import registries' writers (called inside the import service's batch).
ALLOWED = {"services.py", "audit.py", "signals.py", "demo.py", "transfer.py"}
ALLOWED_PACKAGES = {"tests", "migrations", "services", "demo"}  # demo: the demo county's builder notes the build


def _writes_audit(tree) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "record"
               and isinstance(n.func.value, ast.Name) and n.func.value.id == "audit" for n in ast.walk(tree))


def test_audit_rows_are_written_by_services_only():
    offenders = []
    for path in ROOT.rglob("*.py"):
        if ALLOWED_PACKAGES & set(path.relative_to(ROOT).parts) or path.name in ALLOWED:
            continue
        if _writes_audit(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, "write audit rows in a service (e.g. core.services.export_logged)"


# ---- large downloads go to the task worker ---------------------------------------------------------

def _xlsx_rows(content: bytes) -> list:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_a_large_export_is_queued_made_by_the_worker_and_the_same_file(personas, tree, login, settings, media,
                                                                       django_capture_on_commit_callbacks):
    import pytest
    from django.urls import reverse

    from banbiantian.conftest import make_person
    from banbiantian.core.models import ExportJob

    for i in range(5):
        make_person(tree.village_a, f"王{i}")
    chair = login(personas.chair)
    url = reverse("people:export") + "?q=%E7%8E%8B"  # 王, as the browser sends it
    settings.EXPORT_BACKGROUND_ROWS = 100
    immediate = chair.get(url, REMOTE_ADDR="10.1.1.1")
    assert immediate.status_code == 200
    immediate_rows = _xlsx_rows(b"".join(immediate.streaming_content))

    settings.EXPORT_BACKGROUND_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        queued = chair.get(url, REMOTE_ADDR="10.1.1.1")
    job = ExportJob.objects.get()
    assert queued.status_code == 302 and queued["Location"] == reverse("exports:job", args=[job.pk])
    assert (job.status, job.rows_total, job.rows_done, job.user) == ("done", 5, 5, personas.chair)
    page = chair.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "已完成" in page and "下载文件（5 行）" in page and "hx-get" not in page
    download = chair.get(reverse("exports:download", args=[job.pk]))
    assert download["Content-Disposition"] and quote("人员信息-") in download["Content-Disposition"]
    assert _xlsx_rows(b"".join(download.streaming_content)) == immediate_rows
    # Logged once per file made, as the immediate one, with her address and filters.
    logged = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).order_by("id")
    assert [(e.object_repr, e.ip_address, e.changes["filters"]) for e in logged] == [
        ("导出人员信息5条", "10.1.1.1", {"q": "王"})] * 2
    # The file is hers alone; her list of downloads leads back to it.
    assert reverse("exports:job", args=[job.pk]) in chair.get(reverse("exports:list")).content.decode()
    assert reverse("exports:job", args=[job.pk]) not in login(personas.county).get(reverse("exports:list")).content.decode()
    assert login(personas.county).get(reverse("exports:download", args=[job.pk])).status_code == 404
    with pytest.raises(ExportJob.DoesNotExist):
        ExportJob.objects.get(pk=job.pk, user=personas.county)


def test_a_queued_export_shows_its_progress_while_it_runs(personas, login):
    from django.urls import reverse

    from banbiantian.core.models import ExportJob

    job = ExportJob.objects.create(user=personas.chair, unit=personas.chair.unit, label="人员信息",
                                   path="/people/export/", rows_total=8000, rows_done=2000, status="running")
    body = login(personas.chair).get(reverse("exports:progress", args=[job.pk])).content.decode()
    assert "进行中" in body and "已写 2000 / 8000 行" in body and "width: 25%" in body
    assert f'hx-get="{reverse("exports:progress", args=[job.pk])}"' in body and "下载文件" not in body


def test_old_export_files_are_deleted_and_the_page_says_so(personas, login, settings, media):
    import datetime

    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.urls import reverse
    from django.utils import timezone

    from banbiantian.core.models import ExportJob

    def job(days_ago):
        j = ExportJob(user=personas.chair, unit=personas.chair.unit, label="人员信息", path="/people/export/",
                      status="done", rows_total=1, rows_done=1, file_name="人员信息.xlsx",
                      finished_at=timezone.now() - datetime.timedelta(days=days_ago))
        j.file.save("old.xlsx", ContentFile(b"PK"), save=True)
        return j

    old, new = job(settings.EXPORT_FILE_RETENTION_DAYS + 1), job(1)
    stored = old.file.name
    call_command("expire_export_files", stdout=io.StringIO())
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and new.file and not old.file.storage.exists(stored)
    chair = login(personas.chair)
    assert "文件已过保留期限" in chair.get(reverse("exports:job", args=[old.pk])).content.decode()
    assert chair.get(reverse("exports:download", args=[old.pk])).status_code == 404


def test_a_queued_export_fails_with_a_message_when_its_maker_lost_the_permission(personas, tree, login, settings,
                                                                                  media):
    from django.urls import reverse

    from banbiantian.core.exports import run_job
    from banbiantian.core.models import ExportJob

    job = ExportJob.objects.create(user=personas.viewer, unit=personas.viewer.unit, label="人员信息",
                                   path=reverse("people:export"), rows_total=9000)
    run_job(job.pk)
    job.refresh_from_db()
    assert (job.status, bool(job.file)) == ("failed", False) and "无权导出" in job.error
    assert "无权导出" in login(personas.viewer).get(reverse("exports:job", args=[job.pk])).content.decode()
    run_job(job.pk)  # delivered again: not run twice
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
