"""One home for downloads of records as .xlsx.

Every download is scoped (its rows come from the caller's selector, which takes the user),
masked (the caller's rows show what the user may see), formula-escaped (here: text Excel would
run as a formula is kept as text) and logged (core.services.export_logged: who, what, how many
rows, which filters, from where).

- `logged_list_export`: a list page's rows, streamed (banbiantian.lib.xlsx), any row count. Given
  the row count (`total`) over settings.EXPORT_BACKGROUND_ROWS, the download is made by the task
  worker instead: an ExportJob is queued and the user is sent to its page (a progress bar, then the
  link). The worker makes it by calling the same view with the same URL as the same user, so the
  file is the one the immediate download would have been.
- `workbook_response`: a formatted workbook (a statistics sheet, a register, a statistical form
  in its own layout) built with openpyxl; the caller logs it through its service.
"""

import contextvars
import io

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from banbiantian.lib.xlsx.cells import escape_formula
from banbiantian.lib.xlsx.exports import XLSX, export_filename, xlsx_file, xlsx_response


def export_filters(request) -> dict[str, str]:
    """The list's filters as the audit log keeps them (what the user asked for, not the format)."""
    return {k: str(v) for k, v in request.GET.items() if v and k != "format"}


# The ExportJob the task worker is making (set by core.tasks.run_export while it calls the view).
running_job = contextvars.ContextVar("running_export_job", default=None)
PROGRESS_EVERY = 500  # rows between two progress saves


def _counted(rows, job):
    """The rows, saving the job's progress every PROGRESS_EVERY rows (one UPDATE each)."""
    from .models import ExportJob

    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)


def _queue(request, *, label: str, total: int):
    from .models import ExportJob
    from .tasks import run_export
    from .views_util import client_ip

    job = ExportJob.objects.create(user=request.user, unit=request.user.unit, label=label, rows_total=total,
                                   path=request.get_full_path(), ip_address=client_ip(request))
    transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return redirect("exports:job", pk=job.pk)


def logged_list_export(request, *, label: str, headers: list[str], rows, object_type: str,
                       object_repr: str | None = None, changes: dict | None = None,
                       total: int | None = None) -> HttpResponse:
    """A list page's rows as .xlsx, with the export in the audit log (who, how many rows, which
    filters, and any `changes` the caller adds). `object_repr` may word the log line otherwise
    ("导出账号%(n)d个"); it is given the label as `what` and the row count as `n`. `total` (the row
    count, when the caller knows it) over settings.EXPORT_BACKGROUND_ROWS sends it to the worker."""
    from .services import export_logged
    from .views_util import client_ip

    label = str(label)
    job = running_job.get()
    if job is None and total is not None and total > settings.EXPORT_BACKGROUND_ROWS:
        return _queue(request, label=label, total=total)
    if job is not None:
        rows = _counted(rows, job)
    fh, count = xlsx_file(title=label, headers=[str(h) for h in headers], rows=rows)
    export_logged(by=request.user, unit=request.user.unit, object_type=object_type,
                  object_repr=(object_repr or _("导出%(what)s%(n)d条")) % {"what": label, "n": count},
                  changes={"rows": count, **(changes or {}), "filters": export_filters(request)},
                  ip_address=client_ip(request))
    filename = export_filename(label, timezone.localdate())
    if job is not None:  # in the worker: the file goes to storage, the user downloads it from the job's page
        job.file.save(filename, File(fh), save=False)
        job.file_name, job.rows_done, job.rows_total = filename, count, count
        return HttpResponse(status=204)
    return xlsx_response(fh, filename)


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


def run_job(job_id: int) -> None:
    """The worker's side of a queued export: call the list's download view as its user, with its URL
    and filters, while `running_job` says where the file and the progress go. Not one transaction:
    the progress must be seen by the page polling it. A permission lost since is a failed job."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404, HttpRequest, QueryDict
    from django.urls import resolve

    from . import audit
    from .models import ExportJob

    # Taken by one worker only: a job delivered twice runs once.
    if not ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(status=ExportJob.Status.RUNNING):
        return
    job = ExportJob.objects.select_related("user", "unit").get(pk=job_id)
    path, _sep, query = job.path.partition("?")
    request = HttpRequest()
    request.method, request.path, request.path_info = "GET", path, path
    request.GET = QueryDict(query)
    request.META = {"REMOTE_ADDR": job.ip_address or "", "QUERY_STRING": query, "SERVER_NAME": "worker",
                    "SERVER_PORT": "80"}
    request.user, request.htmx = job.user, None
    job_token, ip_token = running_job.set(job), audit.request_ip.set(job.ip_address)
    try:
        match = resolve(path)
        response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 204 or not job.file:
            raise RuntimeError(f"the download answered {response.status_code}")
    except (PermissionDenied, Http404):
        job.status, job.error = ExportJob.Status.FAILED, _("您已无权导出这些记录。")
    except Exception as exc:  # the job's page says it failed; the worker's log has the traceback
        job.status, job.error = ExportJob.Status.FAILED, _("导出失败：%(e)s") % {"e": str(exc)[:300]}
        raise
    else:
        job.status = ExportJob.Status.DONE
    finally:
        running_job.reset(job_token)
        audit.request_ip.reset(ip_token)
        job.finished_at = timezone.now()
        job.save()


def expire_files() -> int:
    """Delete the files of background exports finished more than EXPORT_FILE_RETENTION_DAYS ago (they
    hold personal data and were meant to be downloaded at once); the jobs stay, without a file. Each
    job on its own, so a storage error part-way keeps what was already removed."""
    import datetime

    from .models import ExportJob

    cutoff = timezone.now() - datetime.timedelta(days=settings.EXPORT_FILE_RETENTION_DAYS)
    count = 0
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file=""):
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
        count += 1
    return count
