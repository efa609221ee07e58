"""The 信访登记簿 registry: historic cases through the rights registration, numbered by the unit's format."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command

from banbiantian.conftest import make_id_number, make_person
from banbiantian.core.models import AuditEntry, User
from banbiantian.core.roles import Role
from banbiantian.lib.xlsx.readers import Sheet
from banbiantian.people.models import Person
from banbiantian.rights.models import Case, CaseEvent, RightsPolicy, Status
from banbiantian.transfer import engine, services
from banbiantian.transfer.models import ImportJob

from .conftest import upload

HEADER = ["日期", "来访人", "身份证号", "住址", "联系电话", "反映问题", "类别", "处理情况", "办结时间", "回访情况"]


def book(rows) -> bytes:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["东塘镇妇联信访登记簿（2023年）"])
    sheet.merge_cells("A1:J1")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.append(["登记人：李主任"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def wang(tree):
    return make_person(tree.village_a, "王秀英")


def rows(wang):
    new_number = make_id_number(datetime.date(1979, 4, 2), seq=41)
    girl = make_id_number(datetime.date(2015, 6, 1), seq=43)
    return [
        ["2023.5.12", "王秀英", wang.id_number, "东塘村3组", "", "丈夫长期外出不给生活费", "婚姻", "调解达成协议",
         "2023年6月1日", "电话回访，生活费已按月给付"],
        [datetime.datetime(2023, 7, 3), "陈丽", new_number, "桥头村", "138 1234 5678", "遭丈夫殴打", "家暴", "告诫书已出具",
         "2023-08-01", ""],
        [None] * 10,
        ["2023-09-09", "刘芳", "", "东塘村", "", "土地承包款未分到", "土地", "", "", ""],
        ["2023-09-10", "张小妹", girl, "东塘村", "", "被继父打", "家庭暴力", "已报警", "2023-09-20", ""],  # minor, DV
        ["2023-13-01", "赵某", "", "", "", "问题", "", "", "", ""],  # bad date
        ["2023-10-01", "钱某", "", "", "", "", "其他", "", "", ""],  # no request
        ["2023-10-02", "孙某", "", "", "", "邻里纠纷", "其他", "", "", "已回访"],  # visit without closing
        ["2023-10-03", "周某", "", "", "", "赡养", "不知道", "已处理", "2023-10-01", ""],  # bad category, early close
        ["2023.5.12", "王秀英", wang.id_number, "", "", "丈夫长期外出不给生活费", "婚姻", "", "", ""],  # same as row 3
    ]


def _run(data, user, unit, *, dry_run=False):
    registry = engine.get_registry("rights")
    sheet = Sheet(io.BytesIO(data), "登记簿.xlsx")
    layout = engine.find_header(sheet, registry)
    return engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=user, unit=unit,
                      dry_run=dry_run, mode="skip")


def _errors(report):
    return {(row, column): message for row, column, level, message, *_ in report.issues if level == "error"}


def test_dry_run_reports_every_bad_row(wang, tree, personas):
    report = _run(book(rows(wang)), personas.chair, tree.township, dry_run=True)
    assert Case.objects.count() == 0 and Person.objects.count() == 1
    errors = _errors(report)
    assert report.total == 9 and report.created == 3
    assert "强制报告" in errors[(7, "类别")]
    assert "不是可识别的日期" in errors[(8, "日期")] or "不是有效日期" in errors[(8, "日期")]
    assert errors[(9, "反映问题")] == "反映问题不能为空。"
    assert errors[(10, "办结时间")] == "有回访情况的案件须填写办结时间。"
    assert "不是案件类别" in errors[(11, "类别")] and errors[(11, "办结时间")] == "办结时间不能早于来访日期。"
    assert errors[(12, "反映问题")] == "与本文件第3行是同一人同一天反映的同一问题。"
    warnings = {(r, c) for r, c, level, _m, *_ in report.issues if level == "warning"}
    assert (4, "来访人") in warnings  # a new petitioner will be registered
    assert (4, "保密") in warnings  # domestic violence comes in confidential
    assert (6, "办结时间") in warnings  # comes in as an open case, to be handled in the system


def test_import_numbers_from_the_unit_format_and_keeps_the_outcome(wang, tree, personas):
    RightsPolicy.objects.create(unit=tree.township, number_format="{short}信〔{year}〕{seq}号", short_name="东塘")
    report = _run(book(rows(wang)), personas.chair, tree.township)
    assert report.created == 3 and report.failed == 6
    first = Case.objects.get(petitioner=wang)
    assert first.number == "东塘信〔2023〕1号" and first.unit == tree.township
    assert first.status == Status.VISITED and first.closed_on == datetime.date(2023, 6, 1)
    assert first.outcome == "调解达成协议" and first.return_visit_result.startswith("电话回访")
    assert first.current_address == "东塘村3组" and first.category.name == "婚姻家庭纠纷"
    assert first.due_on is None  # nothing long past shows as overdue
    dv = Case.objects.get(petitioner__name="陈丽")
    assert dv.number == "东塘信〔2023〕2号" and dv.is_dv and dv.confidential and dv.status == Status.CLOSED
    assert dv.petitioner.phone == "13812345678" and dv.petitioner.unit == tree.township
    open_case = Case.objects.get(petitioner__name="刘芳")
    assert open_case.status == Status.REGISTERED and not open_case.confidential
    assert CaseEvent.objects.filter(kind="历史台账导入").count() == 3
    assert AuditEntry.objects.filter(object_type="rights.case", action="create").count() == 3
    again = _run(book(rows(wang)), personas.chair, tree.township)
    assert again.created == 0 and again.skipped == 3 and Case.objects.count() == 3
    assert Person.objects.filter(name="刘芳").count() == 1  # found by name the second time


def test_village_book_goes_to_the_township_and_stays_hers(wang, tree, personas):
    report = _run(book(rows(wang)[:2]), personas.village_a, tree.village_a)
    assert report.created == 2
    assert set(Case.objects.values_list("unit", flat=True)) == {tree.township.pk}
    assert set(Case.objects.values_list("registered_by", flat=True)) == {personas.village_a.pk}


def test_rights_jobs_are_hidden_from_users_who_may_not_see_cases(wang, tree, personas, login, settings):
    job = services.import_job_create(by=personas.village_a, registry_name="rights", unit=tree.village_a,
                                     upload=upload(book(rows(wang)), name="登记簿.xlsx"))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, dry_run=True)
    services.execute_job(job_id=job.pk)
    assert login(personas.village_a).get(f"/transfer/jobs/{job.pk}/").status_code == 200
    assert login(personas.chair).get(f"/transfer/jobs/{job.pk}/").status_code == 200
    # A second director of the same village may import, but not see another's rights cases, files or reports.
    colleague = User.objects.create_user(username="village_a2", password="x", unit=tree.village_a,
                                         role=Role.VILLAGE_DIRECTOR)
    client = login(colleague)
    assert "登记簿.xlsx" not in client.get("/transfer/").content.decode()
    assert client.get(f"/transfer/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/transfer/jobs/{job.pk}/errors/").status_code == 404
    assert "登记簿.xlsx" in login(personas.chair).get("/transfer/").content.decode()


@pytest.mark.parametrize("persona, registry, status", [
    ("viewer", "care", 403), ("viewer", "rights", 403), ("village_a", "care", 200), ("village_a", "rights", 200),
    ("chair", "rights", 200), ("county", "care", 200)])
def test_upload_and_template_per_registry_permission(persona, registry, status, personas, login):
    client = login(getattr(personas, persona))
    assert client.get(f"/transfer/{registry}/upload/").status_code == status
    assert client.get(f"/transfer/{registry}/template/").status_code == status


def test_county_rights_officer_may_not_import_care(county_rights, login):
    client = login(county_rights)
    assert client.get("/transfer/care/upload/").status_code == 403


def test_command_imports_the_book(wang, tree, personas, tmp_path):
    path = tmp_path / "登记簿.csv"
    lines = [",".join(HEADER), f"2023-05-12,王秀英,{wang.id_number},东塘村,,要求分割财产,财产,,,"]
    path.write_bytes("\n".join(lines).encode("gbk"))
    out = io.StringIO()
    call_command("import_data", "rights", str(path), "--unit", tree.township.code, "--user", "chair", stdout=out,
                 stderr=io.StringIO())
    assert "新增1" in out.getvalue() and Case.objects.get().category.name == "财产与继承"


def test_the_web_flow_for_a_book(wang, tree, personas, login, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(personas.chair)
    page = client.get("/transfer/rights/upload/").content.decode()
    assert "导入信访登记簿台账" in page
    response = client.post("/transfer/rights/upload/", {
        "unit": tree.township.pk, "file": SimpleUploadedFile("登记簿.xlsx", book(rows(wang)))})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.header_row == 2
    page = client.get(f"/transfer/jobs/{job.pk}/").content.decode()
    assert "已导入过的案件" in page and "跳过已导入的案件" in page and "更新已登记的记录" not in page
    assert "婚姻家庭纠纷" in page  # the preview, as it will be stored
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/transfer/jobs/{job.pk}/run/", {"mode": "skip", "dry_run": "1"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.rows_created == 3 and Case.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/transfer/jobs/{job.pk}/run/", {"mode": "skip"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Case.objects.count() == 3
    assert client.post(f"/transfer/jobs/{job.pk}/run/", {"mode": "update", "dry_run": "1"}).status_code == 302
    assert "请选择如何处理已登记的记录" in client.get(f"/transfer/jobs/{job.pk}/").content.decode()
    source = CaseEvent.objects.filter(kind="历史台账导入").first().note
    assert "登记簿.xlsx 第3行" in source or "登记簿.xlsx 第4行" in source


def test_a_new_petitioners_address_goes_only_into_the_case(tree, personas):
    """A DV victim's shelter address is not copied into the person record everyone with view_people reads."""
    _run(book([["2025-05-12", "周小梅", "", "县妇女庇护所2号房", "13800001111", "被丈夫殴打", "家庭暴力", "", "", ""]]),
         personas.chair, tree.township)
    case = Case.objects.get()
    assert case.confidential and case.current_address == "县妇女庇护所2号房"
    person = Person.objects.get(name="周小梅")
    assert person.address == "" and person.phone == "13800001111"


def test_the_same_book_at_the_township_then_at_a_village_is_skipped(wang, tree, personas):
    land = ["2025-05-12", "周小梅", "", "东塘村5组", "13800001111", "土地承包款未分配", "土地", "已协调", "2025-06-01", ""]
    known = ["2025-05-13", "王秀英", wang.id_number, "", "", "生活费", "婚姻", "", "", ""]
    assert _run(book([land, known]), personas.chair, tree.township).created == 2
    again = _run(book([land, known]), personas.chair, tree.village_a)
    assert again.created == 0 and again.skipped == 2 and again.failed == 0
    assert Case.objects.count() == 2 and Person.objects.filter(name="周小梅").count() == 1
    # Registered at the township first, she is then found by name when a village's book names her.
    later = ["2025-07-01", "周小梅", "", "", "", "另一件事", "其他", "", "", ""]
    assert _run(book([later]), personas.chair, tree.village_a).created == 1
    assert Person.objects.filter(name="周小梅").count() == 1 and Case.objects.count() == 3


def test_an_id_number_out_of_sight_gets_a_neutral_message(tree, personas):
    elsewhere = make_person(tree.village_c, "吴芳")
    report = _run(book([["2025-05-12", "吴芳", elsewhere.id_number, "", "", "土地", "土地", "", "", ""]]),
                  personas.chair, tree.township, dry_run=True)
    message = _errors(report)[(3, "身份证号")]
    assert message == "该身份证号的人员不在您可以查看的人员中：请由上级妇联核实后再导入。"
    assert Case.objects.count() == 0
