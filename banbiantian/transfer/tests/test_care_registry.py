"""The care beneficiaries registry: enrolments of registered people, through the care services."""

import datetime
import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from banbiantian.care.models import Enrolment, EnrolmentStep, Programme, Status
from banbiantian.conftest import make_person
from banbiantian.core.models import AuditEntry
from banbiantian.lib.xlsx.readers import Sheet
from banbiantian.transfer import engine

HEADER = ["序号", "帮扶对象", "身份证号码", "项目名称", "年度", "状态", "申请时间", "审批日期", "审核意见"]


def book(rows) -> bytes:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["2026年东塘村帮扶对象花名册"])
    sheet.merge_cells("A1:I1")
    sheet.append(["填报单位：东塘村妇联"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    sheet.append(["合计", None, None, None, None, None, None, None, None])
    sheet.append(["填表人：王主任"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def setup(tree, personas):
    programme = Programme.objects.create(unit=tree.township, name="困难妇女帮扶", kind="other", year=2026)
    Programme.objects.create(unit=tree.township, name="两年项目", kind="other", year=2025)
    Programme.objects.create(unit=tree.township, name="两年项目", kind="other", year=2026)
    Programme.objects.create(unit=tree.other_township, name="西岭项目", kind="other", year=2026)
    wang = make_person(tree.village_a, "王秀英")
    li = make_person(tree.village_a, "李春花", birth=datetime.date(1990, 7, 1))
    zhao = make_person(tree.village_a, "赵小红", birth=datetime.date(1970, 1, 2))
    outsider = make_person(tree.village_c, "孙丽", birth=datetime.date(1980, 1, 2))
    return type("S", (), dict(programme=programme, wang=wang, li=li, zhao=zhao, outsider=outsider))


def rows(s):
    fullwidth = s.li.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    return [
        [1, "王秀英", s.wang.id_number, "困难妇女帮扶", "2026", "通过", "2026.03", "2026-03-15", "符合条件"],
        [2, "李春花", fullwidth, "困难妇女帮扶", "", "", "2026年3月", None, None],
        [None] * 9,
        [3, "赵小红", s.zhao.id_number, "困难妇女帮扶", 2026, "结束", "2026-01-05", None, None],  # no reason
        [4, "孙丽", s.outsider.id_number, "困难妇女帮扶", "", "申请", "", None, None],  # not in scope
        [5, "钱某", "330122199001011234", "困难妇女帮扶", "", "", "", None, None],  # bad check digit
        [6, "王秀英", s.wang.id_number, "两年项目", "", "", "", None, None],  # two programmes of that name
        [7, "王美", s.wang.id_number, "不存在的项目", "", "", "", None, None],
        [8, "王秀英", s.wang.id_number, "困难妇女帮扶", "", "申请", "", None, None],  # same as row 4
        [9, "李春花改", s.li.id_number, "两年项目", "2025", "", "", None, None],  # name differs
    ]


def _run(data, user, unit, *, dry_run=False, mode="update"):
    registry = engine.get_registry("care")
    sheet = Sheet(io.BytesIO(data), "花名册.xlsx")
    layout = engine.find_header(sheet, registry)
    return engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=user, unit=unit,
                      dry_run=dry_run, mode=mode)


def _errors(report):
    return {(row, column): message for row, column, level, message, *_ in report.issues if level == "error"}


def test_dry_run_names_every_bad_row(setup, tree, personas):
    report = _run(book(rows(setup)), personas.chair, tree.township, dry_run=True)
    assert Enrolment.objects.count() == 0
    errors = _errors(report)
    assert report.total == 9 and report.created == 2 and report.failed == 7
    assert errors[(7, "审核意见")] == "状态为“结束”时必须填写处理意见。"
    assert "不在您可以查看的人员中" in errors[(8, "身份证号码")]
    assert (9, "身份证号码") in errors
    assert "有2个名为“两年项目”的项目（2026、2025）" in errors[(10, "年度")] or \
        "有2个名为“两年项目”的项目（2025、2026）" in errors[(10, "年度")]
    assert errors[(11, "项目名称")] == "没有您可以查看的项目“不存在的项目”。"
    assert errors[(12, "身份证号码")] == "与本文件第4行是同一人同一项目。"
    assert errors[(13, "帮扶对象")] == "姓名与该身份证号登记的“李春花”不一致。"


def test_import_goes_through_the_services_and_is_idempotent(setup, tree, personas):
    report = _run(book(rows(setup)), personas.chair, tree.township)
    assert report.created == 2
    wang = Enrolment.objects.get(person=setup.wang)
    assert wang.status == Status.APPROVED and wang.applied_on == datetime.date(2026, 3, 1)
    assert wang.reason == "符合条件"  # the ledger's date is stored on the step, not in the reason
    assert list(EnrolmentStep.objects.filter(enrolment=wang).values_list("to_status", "on")) == [
        ("applied", datetime.date(2026, 3, 1)), ("reviewing", datetime.date(2026, 3, 1)),
        ("approved", datetime.date(2026, 3, 15))]
    assert AuditEntry.objects.filter(object_type="care.enrolment", object_id=str(wang.pk)).count() == 3
    assert Enrolment.objects.get(person=setup.li).status == Status.APPLIED
    again = _run(book(rows(setup)), personas.chair, tree.township)
    assert again.created == 0 and again.skipped == 2 and Enrolment.objects.count() == 2


def test_reimport_moves_on_to_a_later_status_only(setup, tree, personas):
    _run(book([[1, "李春花", setup.li.id_number, "困难妇女帮扶", "", "申请", "", None, None]]),
         personas.chair, tree.township)
    report = _run(book([[1, "李春花", setup.li.id_number, "困难妇女帮扶", "", "通过", "", None, None]]),
                  personas.chair, tree.township)
    assert report.updated == 1 and Enrolment.objects.get().status == Status.APPROVED
    report = _run(book([[1, "李春花", setup.li.id_number, "困难妇女帮扶", "", "申请", "", None, None]]),
                  personas.chair, tree.township)
    assert report.skipped == 1 and report.warned == 1 and Enrolment.objects.get().status == Status.APPROVED


def test_decisions_need_approve_care(setup, tree, personas):
    report = _run(book(rows(setup)[:1]), personas.village_a, tree.village_a)
    assert _errors(report)[(4, "状态")] == "状态“通过”需要审核权限，您只能导入“申请”“审核”状态的记录。"
    assert Enrolment.objects.count() == 0


def test_command_and_permission(setup, tree, personas, tmp_path):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(book(rows(setup)[:2]))
    out = io.StringIO()
    call_command("import_data", "care", str(path), "--unit", tree.township.code, "--user", "chair", stdout=out,
                 stderr=io.StringIO())
    assert "新增2" in out.getvalue() and Enrolment.objects.count() == 2
    with pytest.raises(CommandError, match="没有导入数据的权限"):
        call_command("import_data", "care", str(path), "--unit", tree.township.code, "--user", "viewer",
                     stdout=io.StringIO(), stderr=io.StringIO())


def test_blank_template_has_status_drop_down_and_guide(personas, login):
    response = login(personas.chair).get("/transfer/care/template/")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]][:3] == ["姓名*", "身份证号*", "帮扶项目*"]
    assert any("申请→审核→通过→结束" in str(r[0].value) for r in wb["填写说明"].iter_rows())
    assert wb.worksheets[0].data_validations.dataValidation


def test_a_number_that_lost_digits_and_a_gbk_csv(setup, tree, personas):
    lines = [",".join(HEADER), f"1,王秀英,{setup.wang.id_number},困难妇女帮扶,,审核,2026-02-01,,",
             "2,赵小红,3.30122197001020E+17,困难妇女帮扶,,,,,"]
    registry = engine.get_registry("care")
    sheet = Sheet(io.BytesIO("\n".join(lines).encode("gbk")), "花名册.csv")
    layout = engine.find_header(sheet, registry)
    report = engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=personas.chair,
                        unit=tree.township, dry_run=False)
    assert report.created == 1 and Enrolment.objects.get().status == Status.REVIEWING
    assert "科学计数法" in _errors(report)[(3, "身份证号码")]
