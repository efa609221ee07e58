"""Every registry reads what the clerk's workbook holds: every sheet with the same header (rows per sheet
reported, the others named), a merged two-row header combined, a header row that holds data refused,
a file whose rows mostly fail refused before anything is written, and the columns left out named."""

import datetime
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from banbiantian.conftest import make_id_number
from banbiantian.people.models import Person
from banbiantian.rights.models import Case
from banbiantian.transfer import services
from banbiantian.transfer.models import ImportJob

from . import messy_ledger as ml
from .conftest import upload
from .helpers import HEADER

D = datetime.date


def _woman(n: int, name: str) -> list:
    return [n, name, make_id_number(D(1980 + n, 1, 2), seq=n), "", "汉族", "", "初中", "", "备注"]


def people_book(*, extra_sheet=True) -> bytes:
    """A village's people ledger kept one sheet per 村民小组, plus a 说明 sheet."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, names in (("一组", ["王秀英", "李春花"]), ("二组", ["张桂兰", "赵小红", "钱美玲"])):
        sheet = book.create_sheet(title)
        sheet.append([f"东塘村{title}妇女基本情况登记表"])
        sheet.append(HEADER)
        for name in names:
            sheet.append(_woman(len(sheet["A"]) + (10 if title == "二组" else 0), name))
    if extra_sheet:
        book.create_sheet("说明").append(["本表由村妇联主席填写，每季度更新。"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _run(user, unit, data, name, registry="people", *, dry_run=False, mode="update") -> ImportJob:
    job = services.import_job_create(by=user, registry_name=registry, unit=unit, upload=upload(data, name))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, dry_run=dry_run, mode=mode)
    return services.execute_job(job_id=job.pk)


def test_people_ledger_kept_one_sheet_per_group_is_read_whole(tree, personas):
    job = _run(personas.village_a, tree.village_a, people_book(), "东塘村.xlsx")
    assert job.status == ImportJob.Status.DONE and job.rows_created == 5
    assert Person.objects.filter(unit=tree.village_a).count() == 5  # the second sheet's three too
    assert job.report["sheets"] == [["一组", 2], ["二组", 3]]
    assert job.skipped_sheets == [["说明", "没有表头或是空表"]]
    assert job.report["unmapped"] == ["序号"]


def test_people_ledger_with_a_merged_group_header(tree, personas):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["东塘村妇女基本情况登记表"])
    sheet.append(["序号", "基本情况", None, None, "联系方式", "备注"])
    sheet.append([None, "姓名", "身份证号码", "民族", "联系电话", None])
    sheet.merge_cells("B2:D2")
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("F2:F3")
    sheet.append([1, "王秀英", make_id_number(D(1985, 3, 12), seq=3), "汉族", "13812345678", "低保户"])
    out = io.BytesIO()
    book.save(out)
    job = _run(personas.village_a, tree.village_a, out.getvalue(), "台账.xlsx")
    assert job.header_rows == 2 and job.header_row == 3
    assert job.status == ImportJob.Status.DONE and job.rows_total == 1 and job.rows_failed == 0
    person = Person.objects.get()
    assert person.phone == "13812345678" and person.note == "低保户" and person.ethnicity


def test_a_header_row_that_holds_data_is_refused_with_a_message(tree, personas):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["日期", "来访人", "反映问题", datetime.datetime(2025, 3, 1), "330122198503120023"])
    sheet.append(["2025-03-02", "王秀英", "土地款", "", ""])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationError) as caught:
        services.import_job_create(by=personas.chair, registry_name="rights", unit=tree.township,
                                   upload=upload(out.getvalue(), "登记簿.xlsx"))
    message = caught.value.message_dict["file"][0]
    assert "第1行被当作表头" in message and "像数据的单元格" in message and ImportJob.objects.count() == 0


def test_a_book_whose_rows_mostly_fail_is_refused_before_anything_is_written(tree, personas):
    # The 日期 and 姓名 columns swapped by hand: every row fails. The dry run lists them; the import refuses.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "日期", "反映问题", "类别"])
    for day in range(1, 13):
        sheet.append([f"2025-03-{day:02d}", "王秀英", "土地款", "土地"])
    out = io.BytesIO()
    book.save(out)
    dry = _run(personas.chair, tree.township, out.getvalue(), "登记簿.xlsx", "rights", dry_run=True, mode="skip")
    assert dry.status == ImportJob.Status.CHECKED and dry.rows_failed == 12
    job = _run(personas.chair, tree.township, out.getvalue(), "登记簿.xlsx", "rights", mode="skip")
    assert job.status == ImportJob.Status.FAILED and "表头或列对应很可能有误" in job.message
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_error_file_names_the_sheet_of_each_bad_row(tree, personas):
    rows = [*ml.BOOK_2025[:2], ("2025-13-01", "王秀英", "问题", "其他", "", "", "", "", "")]
    data = ml.book_xlsx(sheets=(("2025", rows), ("2026", ml.BOOK_2026[:1])))
    job = _run(personas.chair, tree.township, data, "登记簿.xlsx", "rights", dry_run=True, mode="skip")
    assert job.rows_failed == 1 and job.report["sheets"] == [["2025", 3], ["2026", 1]]
    errors = list(openpyxl.load_workbook(io.BytesIO(open(job.error_file.path, "rb").read())).active.iter_rows(
        values_only=True))
    assert errors[0][:3] == ("工作表", "原行号", "错误原因") and errors[1][:2] == ("2025", 7)


def test_command_reports_rows_per_sheet_and_the_columns_left_out(tmp_path, tree, personas):
    path = tmp_path / "登记簿.xlsx"
    path.write_bytes(ml.book_xlsx())
    out = io.StringIO()
    call_command("import_data", "rights", str(path), "--unit", tree.township.code, "--dry-run", "--user", "chair",
                 stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "各工作表数据行：“2025”15行，“2026”15行。" in text
    assert "以下列未导入：序号、性别、备注。" in text
    assert "工作表“2026”第" in text  # an issue names its sheet


def test_people_ledger_keeps_the_date_a_group_was_recognised(tree, personas):
    from banbiantian.people.models import GroupMembership

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "特殊群体类别", "认定日期"])
    sheet.append(["王秀英", make_id_number(D(1985, 3, 12), seq=3), "留守妇女", "2025-04-01"])
    sheet.append(["李春花", make_id_number(D(1990, 7, 1), seq=5), "留守妇女", ""])
    out = io.BytesIO()
    book.save(out)
    job = _run(personas.village_a, tree.village_a, out.getvalue(), "台账.xlsx")
    assert job.status == ImportJob.Status.DONE and job.report["unmapped"] == []
    since = dict(GroupMembership.objects.values_list("person__name", "start_date"))
    assert since["王秀英"] == D(2025, 4, 1)  # not the import date: she counts in 2025's figures
    assert since["李春花"] == timezone.localdate()  # no date in the ledger: the import's day


def test_the_same_woman_on_the_same_line_of_two_sheets_is_caught(tree, personas):
    book = openpyxl.Workbook()
    book.remove(book.active)
    number = make_id_number(D(1985, 3, 12), seq=3)
    for title in ("一组", "二组"):
        sheet = book.create_sheet(title)
        sheet.append(HEADER)
        sheet.append([1, "王秀英", number, "", "汉族", "", "", "", ""])
    out = io.BytesIO()
    book.save(out)
    job = _run(personas.village_a, tree.village_a, out.getvalue(), "台账.xlsx", dry_run=True)
    assert job.rows_failed == 1
    [issue] = [i for i in job.report["issues"] if i[2] == "error"]
    assert issue[0] == 2 and issue[4] == "二组" and issue[3] == "与本文件工作表“一组”第2行的身份证号重复。"


def test_a_chart_sheet_between_the_yearly_sheets_is_passed_over(tree, personas):
    from openpyxl.chart import BarChart, Reference

    book = openpyxl.load_workbook(io.BytesIO(people_book(extra_sheet=False)))
    chart = BarChart()
    chart.add_data(Reference(book["一组"], min_col=1, min_row=3, max_row=4))
    book.create_chartsheet("统计图", 1).add_chart(chart)
    out = io.BytesIO()
    book.save(out)
    job = _run(personas.village_a, tree.village_a, out.getvalue(), "东塘村.xlsx", dry_run=True)
    assert job.report["sheets"] == [["一组", 2], ["二组", 3]] and job.rows_failed == 0
