"""A large download made by the task worker: its page (a progress bar, polled with htmx), then the file.
Only the user who asked for it sees it (404 for everyone else)."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from banbiantian.lib.xlsx.exports import XLSX

from .models import ExportJob


def _job(request, pk) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, user=request.user)


@require_GET
def job_list(request):
    """Her own background downloads, newest first (she may leave a job's page and come back here)."""
    jobs = ExportJob.objects.filter(user=request.user).order_by("-created_at", "-id")[:30]
    return render(request, "core/export_list.html", {"jobs": jobs})


@require_GET
def job_detail(request, pk):
    return render(request, "core/export_job.html", {"job": _job(request, pk)})


@require_GET
def job_progress(request, pk):
    return render(request, "core/_export_progress.html", {"job": _job(request, pk)})


@require_GET
def job_download(request, pk):
    job = _job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name, content_type=XLSX)
