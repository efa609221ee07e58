"""Formula cells are refused in .xls as in .xlsx, the message naming the cell."""

import datetime
import io

import xlwt

from banbiantian.conftest import make_id_number
from banbiantian.lib.xlsx.readers import Formula, Sheet, xls_formula_cells
from banbiantian.people.models import Person
from banbiantian.transfer import engine

from .helpers import HEADER, ledger_rows, ledger_xlsx


def xls_ledger(formula_at=None) -> bytes:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("登记表")
    sheet.write(0, 0, "东塘村妇女基本情况登记表")
    for c, header in enumerate(HEADER):
        sheet.write(1, c, header)
    number = make_id_number(datetime.date(1985, 3, 12), seq=3)
    other = make_id_number(datetime.date(1986, 4, 1), seq=5)
    sheet.write(2, 1, "王秀英")
    sheet.write(2, 2, number)
    sheet.write(2, 3, xlwt.Formula("DATE(1985,3,12)") if formula_at == "birth" else "1985-03-12")
    sheet.write(3, 1, "李春花")
    sheet.write(3, 2, other)
    sheet.write(3, 3, "1986.04")
    sheet.write(4, 0, "合计")
    sheet.write(4, 1, xlwt.Formula('COUNTA(B3:B4)&"人"'))  # a formula on the totals line is not data
    book.add_sheet("另一表").write(0, 0, xlwt.Formula("1+1"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _run(data, name, personas, tree):
    registry = engine.get_registry("people")
    sheet = Sheet(io.BytesIO(data), name)
    layout = engine.find_header(sheet, registry)
    return engine.run(registry=registry, sheet=sheet, layout=layout, mapping=layout.guessed, by=personas.village_a,
                      unit=tree.village_a, dry_run=False)


def _errors(report):
    return [(row, column, message) for row, column, level, message, *_ in report.issues if level == "error"]


def test_formula_cells_of_the_first_sheet_only_are_found():
    import xlrd

    book = xlrd.open_workbook(file_contents=xls_ledger("birth"), on_demand=True)
    assert xls_formula_cells(book, 0) == {(2, 3), (4, 1)}
    assert xls_formula_cells(book, 1) == {(0, 0)}
    rows = dict(Sheet(io.BytesIO(xls_ledger("birth")), "台账.xls").rows())
    assert isinstance(rows[3][3], Formula) and rows[3][3].ref == "D3"
    assert not isinstance(rows[4][3], Formula)


def test_an_xls_formula_refuses_its_row_naming_the_cell(tree, personas):
    report = _run(xls_ledger("birth"), "台账.xls", personas, tree)
    assert _errors(report) == [(3, "出生年月", "单元格D3是公式“=…”，导入只读取数值：请复制该列后“选择性粘贴→数值”再导入。")]
    assert list(Person.objects.values_list("name", flat=True)) == ["李春花"]


def test_an_xls_without_formulas_imports(tree, personas):
    report = _run(xls_ledger(), "台账.xls", personas, tree)
    assert report.created == 2 and not _errors(report)


def test_an_xlsx_formula_names_the_cell_too(tree, personas):
    rows = [r for r in ledger_rows() if r[1] == "王秀英"]
    rows[0][3] = "=DATE(1985,3,12)"
    report = _run(ledger_xlsx(rows), "台账.xlsx", personas, tree)
    assert _errors(report)[0][2].startswith("单元格D4是公式“=DATE(1985,3,12)”")
