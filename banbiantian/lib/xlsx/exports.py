"""Streaming .xlsx exports: rows go to a temporary file as they are read, so memory does not grow
with the row count (see xlsx_stream); text that Excel would run as a formula is escaped."""

import tempfile

from django.http import FileResponse
from django.utils.translation import gettext as _

from . import stream as xlsx_stream
from .cells import escape_formula

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_xlsx(*, title: str, headers: list[str], rows, out) -> int:
    """Write `rows` (an iterable of lists) to the file `out`; returns the number of rows written."""
    widths = [max(8, min(40, len(str(h)) * 2 + 4)) for h in headers]
    return xlsx_stream.write(out, title=title, headers=headers, widths=widths,
                             rows=([escape_formula(v) for v in row] for row in rows))


def xlsx_file(*, title: str, headers: list[str], rows) -> tuple[tempfile.SpooledTemporaryFile, int]:
    out = tempfile.TemporaryFile()
    count = write_xlsx(title=title, headers=headers, rows=rows, out=out)
    out.seek(0)
    return out, count


def xlsx_response(fh, filename: str) -> FileResponse:
    return FileResponse(fh, as_attachment=True, filename=filename, content_type=XLSX)


def export_filename(label: str, date) -> str:
    return _("%(label)s-%(date)s.xlsx") % {"label": label, "date": date.strftime("%Y%m%d")}
