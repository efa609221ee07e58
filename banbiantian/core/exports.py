"""One home for downloads of records as .xlsx.

Every download is scoped (its rows come from the caller's selector, which takes the user),
masked (the caller's rows show what the user may see), formula-escaped (here: text Excel would
run as a formula is kept as text) and logged (core.services.export_logged: who, what, how many
rows, which filters, from where).

- `logged_list_export`: a list page's rows, streamed (banbiantian.lib.xlsx), any row count.
- `workbook_response`: a formatted workbook (a statistics sheet, a register, a statistical form
  in its own layout) built with openpyxl; the caller logs it through its service.
"""

import io

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from banbiantian.lib.xlsx.cells import escape_formula
from banbiantian.lib.xlsx.exports import XLSX, export_filename, xlsx_file, xlsx_response


def export_filters(request) -> dict[str, str]:
    """The list's filters as the audit log keeps them (what the user asked for, not the format)."""
    return {k: str(v) for k, v in request.GET.items() if v and k != "format"}


def logged_list_export(request, *, label: str, headers: list[str], rows, object_type: str,
                       object_repr: str | None = None, changes: dict | None = None) -> FileResponse:
    """A list page's rows as .xlsx, with the export in the audit log (who, how many rows, which
    filters, and any `changes` the caller adds). `object_repr` may word the log line otherwise
    ("导出账号%(n)d个"); it is given the label as `what` and the row count as `n`."""
    from .services import export_logged
    from .views_util import client_ip

    label = str(label)
    fh, count = xlsx_file(title=label, headers=[str(h) for h in headers], rows=rows)
    export_logged(by=request.user, unit=request.user.unit, object_type=object_type,
                  object_repr=(object_repr or _("导出%(what)s%(n)d条")) % {"what": label, "n": count},
                  changes={"rows": count, **(changes or {}), "filters": export_filters(request)},
                  ip_address=client_ip(request))
    return xlsx_response(fh, export_filename(label, timezone.localdate()))


def escape_workbook(workbook) -> None:
    """Every text cell of every sheet kept as text: a name typed as "=HYPERLINK(…)" is not run."""
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    escaped = escape_formula(cell.value)
                    if escaped is not cell.value:
                        cell.value = escaped
                        cell.data_type = "s"


def workbook_response(workbook, filename: str) -> HttpResponse:
    """A formatted openpyxl workbook as a download, formula-escaped."""
    escape_workbook(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
