"""Streaming .xlsx exports: rows go to a temporary file as they are read, so memory does not grow
with the row count (openpyxl write-only mode); text that Excel would run as a formula is escaped."""

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _

from .cells import escape_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(*, title: str, headers: list[str], rows, out) -> int:
    """Write `rows` (an iterable of lists) to the file `out`; returns the number of rows written."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for row in rows:
        sheet.append([escape_formula(v) for v in row])
        count += 1
    book.save(out)
    return count


def xlsx_file(*, title: str, headers: list[str], rows) -> tuple[tempfile.SpooledTemporaryFile, int]:
    out = tempfile.TemporaryFile()
    count = write_xlsx(title=title, headers=headers, rows=rows, out=out)
    out.seek(0)
    return out, count


def xlsx_response(fh, filename: str) -> FileResponse:
    return FileResponse(fh, as_attachment=True, filename=filename, content_type=XLSX)


def export_filename(label: str, date) -> str:
    return _("%(label)s-%(date)s.xlsx") % {"label": label, "date": date.strftime("%Y%m%d")}
