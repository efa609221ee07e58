import datetime
import io

import pytest

from banbiantian.lib.xlsx.readers import FileError, Sheet
from banbiantian.people.models import GroupMembership, Person
from banbiantian.transfer import engine

from .helpers import csv_bytes, ledger_rows, ledger_xlsx


def _run(data: bytes, personas, tree, *, name="台账.xlsx", dry_run=False, mode="update", batch_size=1000):
    registry = engine.get_registry("people")
    sheet = Sheet(io.BytesIO(data), name)
    layout = engine.find_header(sheet, registry)
    return layout, engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed,
                              by=personas.village_a, unit=tree.village_a, dry_run=dry_run, mode=mode,
                              batch_size=batch_size)


def _issues(report, level="error"):
    return [(row, column, message) for row, column, lvl, message, *_ in report.issues if lvl == level]


def test_header_found_past_title_and_unit_line(tree, personas):
    sheet = Sheet(io.BytesIO(ledger_xlsx()), "台账.xlsx")
    layout = engine.find_header(sheet, engine.get_registry("people"))
    assert layout.header_row == 3
    assert layout.guessed["name"] == 1 and layout.guessed["id_number"] == 2 and layout.guessed["groups"] == 7


def test_dry_run_report_names_rows_columns_and_reasons(tree, personas):
    _layout, report = _run(ledger_xlsx(), personas, tree, dry_run=True)
    assert Person.objects.count() == 0  # a dry run writes nothing
    errors = _issues(report)
    rows = sorted({row for row, _c, _m in errors})
    # row 6 is blank, the 合计 and signature lines are not data
    assert report.total == 8
    assert rows == [8, 9, 10, 11]
    by_row = {row: (column, message) for row, column, message in errors}
    assert by_row[8][0] == "身份证号码" and "15位有效数字" in by_row[8][1]
    assert by_row[9][0] == "身份证号码" and "不是有效日期" in by_row[9][1]
    assert any(r == 10 and c == "民族" and "不是56个民族之一" in m for r, c, m in errors)
    assert any(r == 10 and c == "联系电话" for r, c, m in errors)
    assert by_row[11] == ("身份证号码", "与本文件第4行的身份证号重复。")
    warnings = _issues(report, "warning")
    assert any(r == 12 and c == "特殊群体类别" and "不存在的群体" in m for r, c, m in warnings)
    assert any(r == 12 and c == "出生年月" and "1日" in m for r, c, m in warnings)
    assert report.failed == 4 and report.created == 4 and report.ok + report.warned == 4


def test_import_normalises_cells_and_is_idempotent(tree, personas):
    _layout, report = _run(ledger_xlsx(), personas, tree)
    assert report.created == 4 and report.failed == 4
    wang = Person.objects.get(name="王秀英")
    assert wang.birth_date == datetime.date(1985, 3, 12) and wang.ethnicity == "汉族" and wang.phone == "13812345678"
    assert wang.education == "junior" and wang.unit == tree.village_a
    assert sorted(GroupMembership.objects.filter(person=wang).values_list("group__name", flat=True)) == [
        "留守妇女", "贫困母亲"]
    li = Person.objects.get(name="李春花")
    assert li.id_number.isascii() and li.birth_date == datetime.date(1990, 7, 1) and li.education == "senior"
    assert Person.objects.get(name="张桂兰").birth_date == datetime.date(1978, 11, 20)
    wu = Person.objects.get(name="吴芳")
    assert wu.id_number is None and wu.birth_date == datetime.date(1988, 10, 1) and wu.ethnicity == "回族"
    # The same file again: nobody twice, memberships not doubled.
    _layout, again = _run(ledger_xlsx(), personas, tree)
    assert again.created == 0 and again.updated == 4
    assert Person.objects.count() == 4
    assert GroupMembership.objects.filter(person=wang).count() == 2
    _layout, skipped = _run(ledger_xlsx(), personas, tree, mode="skip")
    assert skipped.skipped == 4 and skipped.updated == 0


def test_update_changes_the_matched_person(tree, personas):
    _run(ledger_xlsx(), personas, tree)
    rows = ledger_rows()
    rows[0][5] = "13900001111"
    _layout, report = _run(ledger_xlsx(rows), personas, tree)
    assert Person.objects.get(name="王秀英").phone == "13900001111"


def test_number_registered_elsewhere_is_refused(tree, personas):
    from banbiantian.conftest import make_person

    rows = ledger_rows()
    make_person(tree.village_c, "王秀英", id_number=rows[0][2])
    _layout, report = _run(ledger_xlsx(rows), personas, tree)
    assert any(r == 4 and "其他单位" in m for r, _c, m in _issues(report))
    assert Person.objects.filter(name="王秀英").count() == 1


def test_a_failing_batch_writes_nothing_and_the_report_says_which(tree, personas, monkeypatch):
    from banbiantian.people import services

    real = services.person_import_batch
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["batch"])
        if kwargs["batch"] == 2:
            real(**kwargs)  # writes, then fails: the batch's transaction must roll back
            raise RuntimeError("磁盘已满")
        return real(**kwargs)

    monkeypatch.setattr(services, "person_import_batch", flaky)
    _layout, report = _run(ledger_xlsx(), personas, tree, batch_size=2)
    statuses = {b[0]: b[3] for b in report.batches}
    assert statuses[2] == "failed" and statuses[1] == "ok"
    # rows 4-5 went in (batch 1); row 7-8 (batch 2) did not, although its write ran before the failure
    assert set(Person.objects.values_list("name", flat=True)) >= {"王秀英", "李春花"}
    assert not Person.objects.filter(name="张桂兰").exists()
    assert any("第2批" in m for _r, _c, m in _issues(report))


def test_gbk_csv(tree, personas):
    rows = [r for r in ledger_rows() if r[1] in ("王秀英", "吴芳")]
    _layout, report = _run(csv_bytes(rows, "gbk"), personas, tree, name="台账.csv")
    assert report.created == 2 and Person.objects.filter(name="吴芳").exists()
    _layout, report = _run(csv_bytes(rows, "utf-8-sig"), personas, tree, name="台账.csv", dry_run=True)
    assert report.updated == 2


def test_xls_file(tree, personas):
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("登记表")
    sheet.write(0, 0, "东塘村妇女基本情况登记表")
    rows = [r for r in ledger_rows() if r[1] in ("王秀英", "张桂兰")]
    for c, value in enumerate(["序号", "姓名", "身份证号码", "出生年月", "民族"]):
        sheet.write(2, c, value)
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row[:5]):
            if isinstance(value, datetime.datetime):
                sheet.write(r, c, value, date_style)
            else:
                sheet.write(r, c, value)
    out = io.BytesIO()
    book.save(out)
    _layout, report = _run(out.getvalue(), personas, tree, name="台账.xls")
    assert report.created == 2 and report.failed == 0
    assert Person.objects.get(name="张桂兰").birth_date == datetime.date(1978, 11, 20)


@pytest.mark.parametrize("data, name, reason", [
    (b"hello world", "台账.pdf", "不是电子表格"),
    (b"not a zip at all", "台账.xlsx", "不是有效的Excel文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64, "台账.xlsx", "加密"),
    (b"", "台账.csv", "空的"),
])
def test_bad_files_are_refused(data, name, reason):
    with pytest.raises(FileError, match=reason):
        sheet = Sheet(io.BytesIO(data), name)
        engine.find_header(sheet, engine.get_registry("people"))


def test_empty_sheet_and_no_header(db):
    import openpyxl

    registry = engine.get_registry("people")
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FileError, match="空的"):
        engine.find_header(Sheet(io.BytesIO(out.getvalue()), "a.xlsx"), registry)
    book.active.append(["甲", "乙", "丙"])
    book.active.append([1, 2, 3])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(FileError, match="没有找到表头"):
        engine.find_header(Sheet(io.BytesIO(out.getvalue()), "a.xlsx"), registry)


def test_formula_cells_are_refused_per_row(tree, personas):
    rows = [r for r in ledger_rows() if r[1] == "王秀英"]
    rows[0][3] = "=DATE(1985,3,12)"
    _layout, report = _run(ledger_xlsx(rows), personas, tree)
    assert report.failed == 1 and Person.objects.count() == 0
    assert any("公式" in m for _r, _c, m in _issues(report))


def test_row_numbers_count_leading_blank_rows(tree, personas):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"] = "姓名"
    sheet["C3"] = "身份证号"
    sheet["B4"] = "王秀英"
    sheet["C4"] = "123"
    out = io.BytesIO()
    book.save(out)
    layout, report = _run(out.getvalue(), personas, tree, dry_run=True)
    assert layout.header_row == 3
    assert _issues(report) == [(4, "身份证号", "身份证号应为18位（旧证15位），现为3位。")]


def test_a_township_file_with_a_village_column(tree, personas):
    from banbiantian.conftest import make_id_number

    rows = [["王秀英", make_id_number(datetime.date(1985, 3, 12), seq=21), "东塘村"],
            ["李春花", make_id_number(datetime.date(1986, 3, 12), seq=23), "桥头"],
            ["张桂兰", make_id_number(datetime.date(1987, 3, 12), seq=25), "西岭村"],
            ["赵小红", make_id_number(datetime.date(1988, 3, 12), seq=27), ""]]
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号", "所属村（社区）"])
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    registry = engine.get_registry("people")
    sheet = Sheet(io.BytesIO(out.getvalue()), "镇台账.xlsx")
    layout = engine.find_header(sheet, registry)
    report = engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=personas.chair,
                        unit=tree.township, dry_run=False)
    assert _issues(report) == [(4, "所属村", "“西岭村”不是“东塘镇”下属的乡镇或村(社区)。")]
    units = dict(Person.objects.values_list("name", "unit__name"))
    assert units == {"王秀英": "东塘村", "李春花": "桥头村", "赵小红": "东塘镇"}


def test_blank_cells_do_not_erase_what_is_registered(tree, personas):
    from banbiantian.conftest import make_person

    rows = [r for r in ledger_rows() if r[1] == "王秀英"]
    wang = make_person(tree.village_a, "王秀英", id_number=rows[0][2], ethnicity="回族", phone="13900001111")
    rows[0][4] = None  # 民族 left blank
    rows[0][5] = ""  # 联系电话 left blank
    rows[0][6] = "高中"
    _layout, report = _run(ledger_xlsx(rows), personas, tree)
    wang.refresh_from_db()
    assert report.updated == 1 and wang.ethnicity == "回族" and wang.phone == "13900001111"
    assert wang.education == "senior"
