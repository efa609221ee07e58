import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.urls import reverse

from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.people.models import Person
from banbiantian.transfer import services
from banbiantian.transfer.models import ColumnMapping, ImportJob

from .conftest import upload


def _post_upload(client, tree, data=None, name="东塘村台账.xlsx"):
    return client.post(reverse("transfer:upload", args=["people"]),
                       {"unit": tree.village_a.pk, "file": upload(data, name)})


def test_upload_preview_dry_run_import_flow(tree, personas, login, django_capture_on_commit_callbacks):
    client = login(personas.village_a)
    response = _post_upload(client, tree)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("transfer:job", args=[job.pk])
    assert job.header_row == 3 and job.created_by == personas.village_a and job.file_name == "东塘村台账.xlsx"
    page = client.get(reverse("transfer:job", args=[job.pk])).content.decode()
    assert "王秀英" in page and "不是56个民族之一" in page  # the preview shows rows as stored, with problems
    assert "330122********" in page  # ID numbers masked in the preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("transfer:run", args=[job.pk]), {"dry_run": "1", "mode": "update"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.rows_failed == 4 and job.rows_created == 4
    assert Person.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("transfer:run", args=[job.pk]), {"mode": "update"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.rows_created == 4 and Person.objects.count() == 4
    assert AuditEntry.objects.filter(object_type="people.person", object_id=f"import:{job.pk}:1").count() == 1
    # The error file: the bad rows as written, with the row number and reason columns.
    response = client.get(reverse("transfer:errors", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("原行号", "错误原因") and [r[0] for r in rows[1:]] == [8, 9, 10, 11]
    assert "15位有效数字" in rows[1][1]
    # The log shows who, what and how many.
    log = client.get(reverse("transfer:home")).content.decode()
    assert "东塘村台账.xlsx" in log and "4 / 0 / 0 / 4" in log


def test_mapping_is_remembered_for_the_unit(tree, personas, login):
    client = login(personas.village_a)
    _post_upload(client, tree)
    job = ImportJob.objects.get()
    # She says the 备注 column (index 8) is the address and ignores 特殊群体类别 (index 7).
    data = {f"col_{i}": key for key, i in job.mapping.items() if key not in ("note", "groups")}
    data["col_8"] = "address"
    response = client.post(reverse("transfer:mapping", args=[job.pk]), data)
    assert response.status_code == 302
    remembered = ColumnMapping.objects.get(unit=tree.village_a)
    assert remembered.headers["备注"] == "address" and remembered.headers["特殊群体类别"] == ""
    _post_upload(client, tree)
    second = ImportJob.objects.order_by("-pk").first()
    assert second.mapping["address"] == 8 and "groups" not in second.mapping and "note" not in second.mapping


def test_mapping_without_the_name_column_is_refused(tree, personas, login):
    client = login(personas.village_a)
    _post_upload(client, tree)
    job = ImportJob.objects.get()
    response = client.post(reverse("transfer:mapping", args=[job.pk]), {"col_2": "id_number"}, follow=True)
    assert "缺少必填列：姓名" in response.content.decode()


@pytest.mark.parametrize("data, name, reason", [
    (b"%PDF-1.4 not a sheet", "报告.pdf", "不是电子表格"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"), "台账.xlsx", "已加密"),
    (b"garbage", "台账.xlsx", "不是有效的Excel文件"),
    ("甲,乙\n1,2\n".encode("gbk"), "台账.csv", "没有找到表头"),
])
def test_bad_uploads_get_a_chinese_message_and_write_nothing(data, name, reason, tree, personas, login):
    response = _post_upload(login(personas.village_a), tree, data, name)
    assert response.status_code == 200 and reason in response.content.decode()
    assert not ImportJob.objects.exists()


def test_over_the_size_limit(tree, personas, login, settings):
    settings.MAX_UPLOAD_MB = 0
    response = _post_upload(login(personas.village_a), tree)
    assert "超过了0 MB的上限" in response.content.decode() and not ImportJob.objects.exists()


def test_unit_outside_her_scope_is_refused(tree, personas, login):
    client = login(personas.village_b)
    response = client.post(reverse("transfer:upload", args=["people"]), {"unit": tree.village_a.pk, "file": upload()})
    assert response.status_code == 200 and not ImportJob.objects.exists()


def test_cancel_before_start_and_between_batches(tree, personas, login, monkeypatch):
    from banbiantian.transfer import engine, services

    client = login(personas.village_a)
    _post_upload(client, tree)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    client.post(reverse("transfer:cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED and services.execute_job(job_id=job.pk).rows_total == 0
    # Running: the cancel flag is read after each batch; the batches already in stay in.
    monkeypatch.setattr(engine, "BATCH_SIZE", 2)
    real_run = engine.run

    def run(**kwargs):
        kwargs["batch_size"] = 2
        inner = kwargs["on_batch"]

        def on_batch(report):
            ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
            return inner(report)

        kwargs["on_batch"] = on_batch
        return real_run(**kwargs)

    monkeypatch.setattr(engine, "run", run)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, cancel_requested=False,
                                               dry_run=False)
    job = services.execute_job(job_id=job.pk)
    assert job.status == ImportJob.Status.CANCELLED and "前1批已导入" in job.message
    assert Person.objects.count() == 2


def test_progress_fragment_polls_while_running(checked_job, personas, login):
    client = login(personas.village_a)
    ImportJob.objects.filter(pk=checked_job.pk).update(status=ImportJob.Status.RUNNING, estimated_rows=16,
                                                       rows_total=8)
    html = client.get(reverse("transfer:progress", args=[checked_job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in html and "50%" in html
    ImportJob.objects.filter(pk=checked_job.pk).update(status=ImportJob.Status.CHECKED)
    response = client.get(reverse("transfer:progress", args=[checked_job.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_blank_template_has_instructions_and_drop_downs(personas, login):
    response = login(personas.village_a).get(reverse("transfer:template", args=["people"]))
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["人员信息", "代码表", "填写说明"]
    sheet = book["人员信息"]
    header = [c.value for c in sheet[1]]
    assert header[0] == "姓名*" and "民族" in header and "特殊群体" in header
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
    ethnicity_col = openpyxl.utils.get_column_letter(header.index("民族") + 1)
    assert f"{ethnicity_col}2" in lists
    codes = book["代码表"]
    assert [c.value for c in codes["A"]][1:3] == ["女", "男"]
    guide = [r[0] for r in book["填写说明"].iter_rows(values_only=True)]
    assert "身份证号" in guide and any("文本" in (g or "") for g in guide)


def test_errors_download_missing_file_is_404(checked_job, personas, login):
    ImportJob.objects.filter(pk=checked_job.pk).update(error_file="")
    assert login(personas.county).get(reverse("transfer:errors", args=[checked_job.pk])).status_code == 404
    assert default_storage.exists(checked_job.error_file.name)


def _export(client, **params):
    response = client.get(reverse("people:export"), params)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def test_export_respects_scope_filters_and_masking(tree, personas, login):
    a = make_person(tree.village_a, "王秀英")
    make_person(tree.village_b, "李春花")
    make_person(tree.village_c, "张桂兰", note="=cmd|' /C calc'!A0")
    rows = _export(login(personas.county))
    assert {r[0] for r in rows[1:]} == {"王秀英", "李春花", "张桂兰"}
    assert rows[0][:2] == ("姓名", "身份证号")
    note = next(r for r in rows if r[0] == "张桂兰")[-1]
    assert note.startswith("'=")  # formula injection kept as text
    assert next(r for r in rows if r[0] == "王秀英")[1] == a.id_number  # county may see full numbers
    # The township chair: only 东塘镇; the filter by unit narrows further.
    rows = _export(login(personas.chair))
    assert {r[0] for r in rows[1:]} == {"王秀英", "李春花"}
    rows = _export(login(personas.chair), unit=tree.village_a.pk)
    assert [r[0] for r in rows[1:]] == ["王秀英"]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).latest("id")
    assert entry.actor == personas.chair and entry.changes["rows"] == 1
    assert entry.changes["filters"] == {"unit": str(tree.village_a.pk)}


def test_export_masks_id_numbers_without_view_id_number(tree, personas, login, monkeypatch):
    from banbiantian.core import roles

    # No shipped role exports without seeing full numbers; a county could configure one.
    a = make_person(tree.village_a, "王秀英")
    personas.county.role = roles.Role.COUNTY_STAFF
    personas.county.save()
    monkeypatch.setitem(roles.ROLE_PERMISSIONS, roles.Role.COUNTY_STAFF,
                        roles.ROLE_PERMISSIONS[roles.Role.COUNTY_STAFF] - {"view_id_number"})
    rows = _export(login(personas.county))
    assert rows[1][1] == a.id_number_masked and "*" in rows[1][1]
    assert AuditEntry.objects.get(action=AuditEntry.Action.EXPORT).changes["id_numbers"] == "masked"


def test_export_needs_the_permission(tree, personas, login):
    make_person(tree.village_a, "王秀英")
    assert login(personas.village_a).get(reverse("people:export")).status_code == 403
    assert login(personas.viewer).get(reverse("people:export")).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_export_button_only_for_those_allowed(tree, personas, login):
    assert "导出" in login(personas.chair).get(reverse("people:home")).content.decode()
    page = login(personas.village_a).get(reverse("people:home")).content.decode()
    assert reverse("people:export") not in page and reverse("transfer:upload", args=["people"]) in page


def test_user_list_export_is_scoped_and_logged(tree, personas, login):
    rows = _export_url(login(personas.chair), reverse("users:export"))
    names = {r[0] for r in rows[1:]}
    assert {"chair", "village_a", "village_b"} <= names and "county" not in names
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.object_type == "core.user" and entry.changes["rows"] == len(rows) - 1
    assert login(personas.village_a).get(reverse("users:export")).status_code == 403


def _export_url(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(
        values_only=True))


def test_one_field_mapped_to_two_columns_is_refused(tree, personas, login):
    client = login(personas.village_a)
    _post_upload(client, tree)
    job = ImportJob.objects.get()
    response = client.post(reverse("transfer:mapping", args=[job.pk]), {"col_1": "name", "col_2": "name"},
                           follow=True)
    assert "“姓名”被对应到了多列" in response.content.decode()
    job.refresh_from_db()
    assert job.mapping["id_number"] == 2  # unchanged


def test_error_file_only_for_its_uploader_or_full_number_roles_and_logged(checked_job, tree, personas, login):
    staff = personas.township_staff
    assert login(staff).get(reverse("transfer:errors", args=[checked_job.pk])).status_code == 403
    assert not AuditEntry.objects.filter(action="export").exists()
    response = login(personas.village_a).get(reverse("transfer:errors", args=[checked_job.pk]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="export", actor=personas.village_a,
                                     object_id=str(checked_job.pk)).count() == 1


def test_an_unexpected_fault_fails_the_job_instead_of_leaving_it_running(tree, personas, monkeypatch):
    from banbiantian.transfer import engine

    job = services.import_job_create(by=personas.village_a, registry_name="people", unit=tree.village_a,
                                     upload=upload())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, dry_run=True)

    def boom(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "run", boom)
    job = services.execute_job(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED and "系统错误" in job.message


def test_a_job_already_taken_is_not_run_twice(tree, personas, monkeypatch):
    from banbiantian.transfer import engine

    job = services.import_job_create(by=personas.village_a, registry_name="people", unit=tree.village_a,
                                     upload=upload())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, dry_run=True)
    monkeypatch.setattr(engine, "run", lambda **kw: pytest.fail("ran twice"))
    assert services.execute_job(job_id=job.pk).status == ImportJob.Status.RUNNING


def test_only_the_uploader_maps_starts_or_cancels_her_job(tree, personas, login, django_capture_on_commit_callbacks):
    """A job runs under its uploader's name: a chair who may see the village's job reads its report,
    but mapping, starting and cancelling are hers alone (404), and nothing is written."""
    _post_upload(login(personas.village_a), tree)
    job = ImportJob.objects.get()
    chair = login(personas.chair)
    page = chair.get(reverse("transfer:job", args=[job.pk])).content.decode()
    assert "东塘村台账.xlsx" in page and reverse("transfer:run", args=[job.pk]) not in page
    with django_capture_on_commit_callbacks(execute=True):
        assert chair.post(reverse("transfer:run", args=[job.pk]), {"mode": "update"}).status_code == 404
    assert chair.post(reverse("transfer:mapping", args=[job.pk]), {"col_1": "name"}).status_code == 404
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    assert chair.post(reverse("transfer:cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and not job.cancel_requested and Person.objects.count() == 0
    with pytest.raises(PermissionDenied):
        services.import_job_start(by=personas.chair, job=job, dry_run=False, mode="update")
    # Her own start is on record under her name.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.UPLOADED)
    with django_capture_on_commit_callbacks(execute=True):
        login(personas.village_a).post(reverse("transfer:run", args=[job.pk]), {"dry_run": "1", "mode": "update"})
    started = AuditEntry.objects.get(object_type="transfer.importjob", object_id=str(job.pk))
    assert started.actor == personas.village_a and started.changes["status"] == ["uploaded", "queued"]
