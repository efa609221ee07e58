"""Import jobs: upload → column mapping → preview → dry run → import, the same engine as the command."""

import datetime
import logging
import shutil
import tempfile
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banbiantian.core import audit
from banbiantian.core.access import require_perm
from banbiantian.core.models import AuditEntry, Level, OrgUnit, User
from banbiantian.lib.xlsx.readers import FileError, Sheet

from . import engine
from .models import ColumnMapping, ImportJob

PREVIEW_ROWS = 10


def _check_size(upload) -> None:
    limit = settings.MAX_UPLOAD_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError({"file": _("文件有%(size).1f MB，超过了%(limit)d MB的上限：请把文件拆分后分别导入。") % {
            "size": upload.size / 1024 / 1024, "limit": limit}})


def _check_unit(by, unit) -> None:
    if not unit.is_within(by.unit):
        raise ValidationError({"unit": _("所选单位不在您的管辖范围内。")})
    if unit.level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        raise ValidationError({"unit": _("请选择乡镇或村(社区)：数据不能直接导入到县级以上单位。")})
    if not unit.is_active:
        # As the upload form's unit picker: a merged village takes no new records, from the web or the command.
        raise ValidationError({"unit": _("“%(u)s”已撤销或尚未启用，不能再导入新的记录，请选择现有单位。") % {"u": unit.name}})


def _registry_for(by, name: str) -> engine.Registry:
    """The registry, once the user holds every permission it needs (PermissionDenied otherwise)."""
    registry = engine.get_registry(name)
    for perm in registry.permissions:
        require_perm(by, perm)
    return registry


def _registry_for_uploader(by, job: ImportJob) -> engine.Registry:
    """The job's registry, for its uploader only: a job runs under her name (engine.run by=created_by),
    so nobody else may map, start or cancel it — others at most read its report."""
    if job.created_by_id != by.pk:
        raise PermissionDenied
    return _registry_for(by, job.registry)


def guess_mapping(*, registry: engine.Registry, unit: OrgUnit, layout: engine.Layout) -> dict[str, int]:
    """Header words this unit mapped before win; the rest come from the registry's aliases."""
    remembered = ColumnMapping.objects.filter(unit=unit, registry=registry.name).first()
    mapping = dict(layout.guessed)
    if remembered:
        known = {c.key for c in registry.columns}
        for index, header in enumerate(layout.headers):
            key = remembered.headers.get(header)
            if key in known:
                mapping = {k: i for k, i in mapping.items() if i != index and k != key}
                mapping[key] = index
            elif header in remembered.headers and remembered.headers[header] == "":
                mapping = {k: i for k, i in mapping.items() if i != index}
    return dict(sorted(mapping.items(), key=lambda kv: kv[1]))


@transaction.atomic
def import_job_create(*, by: User, registry_name: str, unit: OrgUnit, upload: UploadedFile) -> ImportJob:
    """Check the file (kind, size, header) and keep it; nothing is imported yet."""
    registry = _registry_for(by, registry_name)
    _check_unit(by, unit)
    _check_size(upload)
    try:
        sheet = Sheet(upload, upload.name)
        try:
            layout = engine.find_header(sheet, registry)
            estimated = sum(max(0, sheet.estimate_rows(part.index) - part.header_row) for part in layout.parts())
        finally:
            sheet.close()
    except FileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    job = ImportJob(registry=registry.name, unit=unit, created_by=by, file_name=upload.name[:200],
                    header_row=layout.header_row, headers=layout.headers, header_rows=layout.header_rows,
                    sheets=[[p.index, p.name, p.header_row] for p in layout.sheets],
                    skipped_sheets=[list(s) for s in layout.skipped_sheets],
                    mapping={k: i for k, i in guess_mapping(registry=registry, unit=unit, layout=layout).items()},
                    estimated_rows=estimated)
    upload.seek(0)
    job.file.save(upload.name, upload, save=False)
    try:
        job.save()
    except Exception:
        default_storage.delete(job.file.name)  # never a kept file without its log row
        raise
    # Uploads are where files pile up: expire a few old ones here too, so a county without the daily
    # command still keeps no ledger past the retention period for long.
    transaction.on_commit(_expire_a_few)
    return job


def _expire_a_few() -> None:
    try:
        import_files_expire(limit=EXPIRE_ON_UPLOAD)
    except Exception:  # the upload has succeeded; a storage hiccup here is the daily command's to retry
        logger.exception("expiring old import files after an upload failed")


@transaction.atomic
def import_job_set_mapping(*, by: User, job: ImportJob, mapping: dict[str, int]) -> ImportJob:
    registry = _registry_for_uploader(by, job)
    known = {c.key for c in registry.columns}
    clean = {}
    for key, index in mapping.items():
        if key not in known or not (0 <= index < len(job.headers)):
            raise ValidationError(_("列对应无效。"))
        if index in clean.values():
            raise ValidationError(_("“%(h)s”列被对应到了多个字段。") % {"h": job.headers[index]})
        clean[key] = index
    missing = [str(c.label) for c in registry.columns if c.required and c.key not in clean]
    if missing:
        raise ValidationError(_("缺少必填列：%(cols)s。") % {"cols": "、".join(missing)})
    job.mapping = clean
    job.save(update_fields=["mapping"])
    # Remember the choice by header word for this unit's next files ("" = a column she ignores).
    words = {h: "" for h in job.headers if h}
    words.update({job.headers[i]: k for k, i in clean.items() if job.headers[i]})
    remembered, _created = ColumnMapping.objects.get_or_create(unit=job.unit, registry=job.registry,
                                                               defaults={"headers": words})
    if not _created:
        remembered.headers = {**remembered.headers, **words}
        remembered.save(update_fields=["headers", "updated_at"])
    return job


@contextmanager
def open_sheet(*, job: ImportJob):
    """The stored file as a local, seekable file (storages may be remote)."""
    with default_storage.open(job.file.name, "rb") as src, tempfile.TemporaryFile() as local:
        shutil.copyfileobj(src, local, 1024 * 1024)
        local.seek(0)
        sheet = Sheet(local, job.file_name)
        try:
            yield sheet
        finally:
            sheet.close()


def _layout(job: ImportJob) -> engine.Layout:
    return engine.Layout(header_row=job.header_row, headers=job.headers, guessed={}, header_rows=job.header_rows,
                         sheets=[engine.SheetPart(index, name, row) for index, name, row in job.sheets],
                         skipped_sheets=[tuple(s) for s in job.skipped_sheets])


def unmapped_columns(*, job: ImportJob) -> list[str]:
    """The header words of the columns the current mapping leaves out (they will not be imported)."""
    return _layout(job).unmapped(mapping_of(job=job))


def mapping_of(*, job: ImportJob) -> dict[str, int]:
    return {k: int(v) for k, v in job.mapping.items()}


def preview(*, job: ImportJob, by: User, limit: int = PREVIEW_ROWS) -> list[dict]:
    """The first rows as they will be stored, with their problems; reads only, writes nothing."""
    registry = engine.get_registry(job.registry)
    ctx = registry.context(by=by, unit=job.unit, mode=job.mode)
    ctx.update(mapped=set(job.mapping), job=None)
    rows = []
    with open_sheet(job=job) as sheet:
        for row in engine.data_rows(sheet, _layout(job), mapping_of(job=job)):
            registry.clean_row(row, ctx)
            rows.append(row)
            if len(rows) >= limit:
                break
    if rows:
        registry.resolve_batch(rows, ctx)
    return [{"number": r.number, "sheet": r.sheet, "cells": registry.preview(r), "errors": [m for _k, m in r.errors],
             "warnings": [m for _k, m in r.warnings], "action": r.action} for r in rows]


@transaction.atomic
def import_job_start(*, by: User, job: ImportJob, dry_run: bool, mode: str) -> ImportJob:
    registry = _registry_for_uploader(by, job)
    if job.is_active:
        raise ValidationError(_("该文件正在处理中，请等待完成或先取消。"))
    if job.files_expired_at:
        raise ValidationError(_("该文件已超过保留期限被删除，请重新上传。"))
    if not dry_run and job.status == ImportJob.Status.DONE:
        raise ValidationError(_("该文件已经导入过；如需再次导入，请重新上传。"))
    if mode not in dict(registry.modes):
        raise ValidationError({"mode": _("请选择如何处理已登记的记录。")})
    before = job.status
    job.status = ImportJob.Status.QUEUED
    job.dry_run = dry_run
    job.mode = mode
    job.cancel_requested = False
    job.message = ""
    job.save(update_fields=["status", "dry_run", "mode", "cancel_requested", "message"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=job, unit=job.unit,
                 changes={"status": [before, job.status], "dry_run": [None, dry_run], "mode": [None, mode]})
    from .tasks import run_import

    transaction.on_commit(lambda: run_import.enqueue(job.pk))
    return job


@transaction.atomic
def import_job_cancel(*, by: User, job: ImportJob) -> ImportJob:
    _registry_for_uploader(by, job)
    if job.status == ImportJob.Status.QUEUED:
        job.status = ImportJob.Status.CANCELLED
        job.message = _("已在开始前取消，未写入任何数据。")
    job.cancel_requested = True
    job.save(update_fields=["cancel_requested", "status", "message"])
    audit.record(actor=by, action=AuditEntry.Action.UPDATE, obj=job, unit=job.unit,
                 changes={"cancel_requested": [False, True]})
    return job


def _save_progress(job: ImportJob, result: engine.Report, **extra) -> None:
    values = dict(rows_total=result.total, rows_ok=result.ok, rows_warned=result.warned,
                  rows_failed=result.failed, rows_created=result.created, rows_updated=result.updated,
                  rows_skipped=result.skipped, **extra)
    for key, value in values.items():
        setattr(job, key, value)
    ImportJob.objects.filter(pk=job.pk).update(**values)


logger = logging.getLogger(__name__)


def execute_job(*, job_id: int) -> ImportJob:
    """The task's body: run the engine over the stored file, saving progress after every batch."""
    job = ImportJob.objects.select_related("unit", "created_by__unit").get(pk=job_id)
    # Claim the job atomically: a cancel (or a second worker) between the read and the claim wins.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING)
    if not claimed:
        job.refresh_from_db()
        return job  # cancelled before it started, or already taken
    registry = engine.get_registry(job.registry)

    def on_batch(report: engine.Report) -> bool:
        _save_progress(job, report)  # counts only: the issues list is saved once, at the end
        return not ImportJob.objects.filter(pk=job.pk, cancel_requested=True).exists()

    try:
        with open_sheet(job=job) as sheet:
            report = engine.run(registry=registry, sheet=sheet, layout=_layout(job), mapping=mapping_of(job=job),
                                by=job.created_by, unit=job.unit, dry_run=job.dry_run, mode=job.mode,
                                on_batch=on_batch, job=job)
    except (FileError, ValidationError) as exc:
        message = str(exc) if isinstance(exc, FileError) else "；".join(exc.messages)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, message=message[:500],
                                                   finished_at=timezone.now())
        job.refresh_from_db()
        return job
    except Exception:
        # Never leave a job 进行中 for good: an unexpected fault fails it (batches already written stay,
        # each was all-or-nothing) and the trace goes to the log for the administrator.
        logger.exception("import job %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(),
            message=_("导入时发生系统错误，已停止；已写入的批次见导入记录，请联系管理员。"))
        job.refresh_from_db()
        return job
    if report.cancelled:
        status = ImportJob.Status.CANCELLED
        done = sum(1 for b in report.batches if b[3] == "ok")
        message = _("已取消：前%(n)d批已导入，其余未导入。") % {"n": done} if not job.dry_run else _("试导入已取消。")
    else:
        status = ImportJob.Status.CHECKED if job.dry_run else ImportJob.Status.DONE
        failed = [str(b[0]) for b in report.batches if b[3] == "failed"]
        message = _("第%(b)s批写入失败，未导入。") % {"b": "、".join(failed)} if failed else ""
    error_name = ""
    if report.bad_rows:
        content = engine.error_workbook(_layout(job), report)
        error_name = default_storage.save(f"imports/errors/{job.pk}-errors.xlsx", ContentFile(content))
    _save_progress(job, report, report=report.as_json(), status=status, message=message[:500],
                   error_file=error_name, finished_at=timezone.now())
    job.refresh_from_db()
    return job


EXPIRE_ON_UPLOAD = 20
IMPORT_DIR = "imports"


def import_files_expire(*, now: datetime.datetime | None = None, limit: int | None = None) -> int:
    """Delete the uploaded file and the error file of every job older than the retention period
    (settings.IMPORT_FILE_RETENTION_DAYS); the job stays in the log with files_expired_at set. A job
    still queued or running by then is dead (its worker long gone): it is failed, not left 进行中.
    Files under imports/ that no job refers to (an upload whose transaction rolled back) go too.
    Returns the number of jobs expired."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    jobs = ImportJob.objects.filter(created_at__lt=cutoff, files_expired_at__isnull=True).order_by("created_at")
    count = 0
    for job in jobs[:limit] if limit else jobs.iterator():
        for name in (job.file.name, job.error_file.name):
            if name:
                default_storage.delete(name)
        values = {"file": "", "error_file": "", "files_expired_at": now}
        if job.is_active:
            values.update(status=ImportJob.Status.FAILED, finished_at=now, cancel_requested=True,
                          message=_("超过保留期限仍未完成，已停止；文件已删除。"))
        ImportJob.objects.filter(pk=job.pk).update(**values)
        count += 1
    if limit is None:
        _delete_orphans(cutoff)
    return count


def _delete_orphans(cutoff) -> None:
    known = set()
    for file, error_file in ImportJob.objects.filter(files_expired_at__isnull=True).values_list("file", "error_file"):
        known.update((file, error_file))
    for name in _stored_files(IMPORT_DIR):
        if name in known:
            continue
        try:
            modified = default_storage.get_modified_time(name)
        except (NotImplementedError, OSError):
            continue
        if modified < cutoff:
            default_storage.delete(name)


def _stored_files(folder: str):
    try:
        folders, files = default_storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError, OSError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_files(f"{folder}/{sub}")
