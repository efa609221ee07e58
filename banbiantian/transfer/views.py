from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from banbiantian.core import exports
from banbiantian.core import services as core_services
from banbiantian.core.access import get_for_user, permission_required
from banbiantian.core.views_util import client_ip, errors_to_form
from banbiantian.lib.xlsx.readers import FileError

from . import engine, selectors, services, templates_xlsx
from .forms import JobFilterForm, RunForm, UploadForm, mapping_choices
from .models import ImportJob

PAGE_SIZE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _registry_or_404(name, user):
    """The registry (404 when there is none of that name; 403 when she lacks a permission it needs)."""
    try:
        registry = engine.get_registry(name)
    except FileError:
        raise Http404 from None
    if not registry.allowed(user):
        raise PermissionDenied
    return registry


def _job(request, pk) -> ImportJob:
    job = get_for_user(ImportJob.objects.select_related("unit", "created_by"), request.user, pk, "import_data")
    if not engine.get_registry(job.registry).may_see_job(request.user, job):
        raise Http404
    return job


def _own_job(request, pk) -> ImportJob:
    """A job she may write to: only its uploader maps, starts or cancels it (it runs under her name);
    anybody else who may see it gets 404 for these actions."""
    job = _job(request, pk)
    if job.created_by_id != request.user.pk:
        raise Http404
    return job


JOB_EXPORT_HEADERS = [_lazy("上传时间"), _lazy("导入类型"), _lazy("文件名"), _lazy("单位"), _lazy("操作人"),
                      _lazy("试导入"), _lazy("状态"), _lazy("数据行"), _lazy("新增"), _lazy("更新"), _lazy("跳过"),
                      _lazy("失败"), _lazy("完成时间"), _lazy("说明"), _lazy("错误行文件")]


def _job_rows(jobs):
    labels = {name: str(engine.get_registry(name).label) for name in engine.registry_names()}
    for job in jobs.iterator(chunk_size=2000):
        yield [timezone.localtime(job.created_at).replace(tzinfo=None), labels.get(job.registry, job.registry),
               job.file_name, job.unit.name, str(job.created_by), _("是") if job.dry_run else _("否"),
               job.get_status_display(), job.rows_total, job.rows_created, job.rows_updated, job.rows_skipped,
               job.rows_failed, timezone.localtime(job.finished_at).replace(tzinfo=None) if job.finished_at else None,
               job.message, _file_state(job)]


def _file_state(job) -> str:
    if job.error_file:
        return _("可下载")
    return _("已过期删除") if job.files_expired_at else ""


@require_GET
@permission_required("import_data")
def job_list(request):
    registries = engine.registries_for(request.user)
    form = JobFilterForm(request.GET or None, registries=registries)
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = selectors.job_list(user=request.user, filters=filters)
    if request.GET.get("format") == "xlsx":
        return exports.logged_list_export(request, label=_("导入记录"), headers=JOB_EXPORT_HEADERS,
                                          rows=_job_rows(jobs), object_type="transfer.importjob")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    for job in page:
        job.registry_label = engine.get_registry(job.registry).label
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "transfer/job_list.html", {"page": page, "form": form, "query": query.urlencode(),
                                                       "registries": registries})


@require_http_methods(["GET", "POST"])
@permission_required("import_data")
def upload(request, registry):
    reg = _registry_or_404(registry, request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(by=request.user, registry_name=reg.name, unit=form.cleaned_data["unit"],
                                             upload=form.cleaned_data["file"])
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if job.header_rows > 1:
                where = _("表头在第%(a)d—%(b)d行（两行表头已合并）") % {"a": job.header_row - 1, "b": job.header_row}
            else:
                where = _("表头在第%(n)d行") % {"n": job.header_row}
            if len(job.sheets) > 1:
                where += _("，读取%(n)d个工作表（%(s)s）") % {"n": len(job.sheets),
                                                      "s": "、".join(name for _i, name, _r in job.sheets)}
            messages.success(request, _("已读取“%(f)s”：%(w)s。请核对列对应和预览。") % {"f": job.file_name, "w": where})
            return redirect("transfer:job", pk=job.pk)
    return render(request, "transfer/upload.html", {"form": form, "registry": reg})


def _mapping_rows(job, reg):
    choices = mapping_choices(reg)
    by_index = {int(i): k for k, i in job.mapping.items()}
    return [{"index": i, "header": h, "selected": by_index.get(i, ""), "choices": choices}
            for i, h in enumerate(job.headers) if h or i in by_index]


@require_GET
@permission_required("import_data")
def job_detail(request, pk):
    job = _job(request, pk)
    reg = engine.get_registry(job.registry)
    preview, preview_error = [], ""
    editable = job.created_by_id == request.user.pk and job.files_expired_at is None and job.status in (
        ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED, ImportJob.Status.FAILED, ImportJob.Status.CANCELLED)
    if editable and job.status != ImportJob.Status.CANCELLED:
        try:
            preview = services.preview(job=job, by=request.user)
        except FileError as exc:
            preview_error = str(exc)
    report = job.report or {}
    summary = engine.summary_lines(sheets=report.get("sheets", []), skipped=report.get("skipped_sheets", []),
                                   unmapped=report.get("unmapped", []))
    return render(request, "transfer/job_detail.html", {
        "job": job, "registry": reg, "columns": reg.columns, "mapping_rows": _mapping_rows(job, reg),
        "summary": summary, "unmapped": services.unmapped_columns(job=job),
        "preview": preview, "preview_error": preview_error, "editable": editable, "modes": reg.modes,
        "own": job.created_by_id == request.user.pk,
    })


@require_POST
@permission_required("import_data")
def job_mapping(request, pk):
    job = _own_job(request, pk)
    labels = {c.key: c.label for c in engine.get_registry(job.registry).columns}
    mapping = {}
    for i, _header in enumerate(job.headers):
        key = request.POST.get(f"col_{i}", "")
        if key:
            if key in mapping:
                messages.error(request, _("“%(f)s”被对应到了多列，请只选一列。") % {"f": labels.get(key, key)})
                return redirect("transfer:job", pk=job.pk)
            mapping[key] = i
    try:
        services.import_job_set_mapping(by=request.user, job=job, mapping=mapping)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("列对应已保存，本单位下次导入会自动使用。"))
    return redirect("transfer:job", pk=job.pk)


@require_POST
@permission_required("import_data")
def job_run(request, pk):
    job = _own_job(request, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择如何处理已登记的记录。"))
        return redirect("transfer:job", pk=job.pk)
    try:
        services.import_job_start(by=request.user, job=job, dry_run=form.cleaned_data["dry_run"],
                                  mode=form.cleaned_data["mode"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("transfer:job", pk=job.pk)


@require_GET
@permission_required("import_data")
def job_progress(request, pk):
    job = _job(request, pk)
    response = render(request, "transfer/_progress.html", {"job": job, "own": job.created_by_id == request.user.pk})
    if request.htmx and not job.is_active:
        response["HX-Refresh"] = "true"  # finished: show the whole report
    return response


@require_POST
@permission_required("import_data")
def job_cancel(request, pk):
    job = _own_job(request, pk)
    if job.is_active:
        services.import_job_cancel(by=request.user, job=job)
        messages.info(request, _("已请求取消：当前批次完成后停止，已导入的批次保留。"))
    else:
        messages.error(request, _("该文件没有在处理中。"))
    return redirect("transfer:job", pk=job.pk)


@require_GET
@permission_required("import_data")
def job_errors(request, pk):
    job = _job(request, pk)
    if not job.error_file:
        raise Http404
    # The bad rows are written as typed, full ID numbers included: only their uploader or a role
    # that may see full numbers downloads them, and every download is logged like an export.
    if job.created_by_id != request.user.pk and not (request.user.has_perm_name("view_id_number")
                                                     and engine.get_registry(job.registry).allowed(request.user)):
        raise PermissionDenied
    core_services.export_logged(by=request.user, obj=job, unit=job.unit, changes={"file": ["", job.error_file.name]},
                                ip_address=client_ip(request))
    stem = job.file_name.rsplit(".", 1)[0]
    return FileResponse(default_storage.open(job.error_file.name, "rb"), as_attachment=True,
                        filename=_("%(f)s-错误行.xlsx") % {"f": stem}, content_type=XLSX)


@require_GET
@permission_required("import_data")
def template_download(request, registry):
    reg = _registry_or_404(registry, request.user)
    content = templates_xlsx.blank_template(reg)
    response = HttpResponse(content, content_type=XLSX)
    from django.utils.http import content_disposition_header

    response["Content-Disposition"] = content_disposition_header(True, _("%(r)s导入模板.xlsx") % {"r": reg.label})
    return response
