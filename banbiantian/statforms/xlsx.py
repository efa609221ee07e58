"""A form's figures as .xlsx in the form's own layout: rows × columns as the form defines them
(each run of rows with the same columns under its own header),
then one row per unit below (every cell by code), so the sheet reads like the paper form."""

import re
from types import SimpleNamespace

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from banbiantian.lib.xlsx.cells import escape_formula

from .models import State
from .selectors import layout


def _value(entry):
    if entry.state == State.NUMBER:
        number = entry.number
        return int(number) if number == number.to_integral_value() else float(number)
    return str(State(entry.state).label)


def summary_workbook(form, cells, summaries, period) -> Workbook:
    top, below = summaries[0], summaries[1:]
    wb = Workbook()
    ws = wb.active
    ws.title = re.sub(r"[\[\]:*?/\\']", "", form.code)[:31] or _("报表")  # characters Excel refuses in a title
    ws.append([escape_formula(f"{form.code} {form.name}")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([_("填报单位"), escape_formula(top.unit.name), _("报告期"), period.label,
               _("已报单位"), f"{top.reported}/{top.expected}"])
    items = [SimpleNamespace(cell=c, entry=top.entries[c.code]) for c in cells]
    for columns, rows in layout(items):
        ws.append([_("指标")] + [escape_formula(c) or _("数值") for c in columns])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for label, row in rows:
            units = "、".join(sorted({item.cell.unit_label for item in row if item.cell.unit_label}))
            ws.append([escape_formula(f"{label}（{units}）" if units else label)] + [_value(item.entry) for item in row])
    ws.column_dimensions["A"].width = 32
    if below:
        sheet = wb.create_sheet(_("分单位"))
        sheet.append([_("单位")] + [escape_formula(f"{c.code} {c}") for c in cells] + [_("已报单位")])
        for summary in below:
            sheet.append([escape_formula(summary.unit.name)] + [_value(summary.entries[c.code]) for c in cells]
                         + [f"{summary.reported}/{summary.expected}"])
        sheet.column_dimensions["A"].width = 20
    return wb
