"""Logged list exports: a list page's rows as .xlsx (banbiantian.lib.xlsx), with the export in the audit log."""

from django.http import FileResponse
from django.utils.translation import gettext as _

from banbiantian.lib.xlsx.exports import export_filename, xlsx_file, xlsx_response


def logged_list_export(request, *, label: str, headers: list[str], rows, object_type: str) -> FileResponse:
    """A list page's rows as .xlsx, with the export in the audit log (who, how many rows, which filters)."""
    from django.utils import timezone

    from banbiantian.core import audit
    from banbiantian.core.models import AuditEntry
    from banbiantian.core.views_util import client_ip

    fh, count = xlsx_file(title=label, headers=[str(h) for h in headers], rows=rows)
    audit.record(actor=request.user, action=AuditEntry.Action.EXPORT, unit=request.user.unit, object_type=object_type,
                 object_repr=_("导出%(what)s%(n)d条") % {"what": label, "n": count},
                 changes={"rows": count, "filters": {k: str(v) for k, v in request.GET.items() if v and k != "format"}},
                 ip_address=client_ip(request))
    return xlsx_response(fh, export_filename(label, timezone.localdate()))
