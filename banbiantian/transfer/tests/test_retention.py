"""Kept files (uploads, error files) are deleted after the retention period; the log keeps its rows."""

import datetime
import io

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from banbiantian.transfer import services
from banbiantian.transfer.models import ImportJob


def _age(job, days):
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))


def test_old_files_are_deleted_and_the_log_says_so(checked_job, personas, login, settings, media):
    settings.IMPORT_FILE_RETENTION_DAYS = 30
    upload_name, error_name = checked_job.file.name, checked_job.error_file.name
    assert default_storage.exists(upload_name) and default_storage.exists(error_name)
    _age(checked_job, 29)
    assert services.import_files_expire() == 0 and default_storage.exists(upload_name)
    _age(checked_job, 31)
    out = io.StringIO()
    call_command("expire_import_files", stdout=out)
    assert "已删除1条导入记录的文件（保留30天）" in out.getvalue()
    job = ImportJob.objects.get(pk=checked_job.pk)
    assert not default_storage.exists(upload_name) and not default_storage.exists(error_name)
    assert job.files_expired_at and not job.file and not job.error_file and job.rows_total == 8
    client = login(personas.village_a)
    page = client.get(f"/transfer/jobs/{job.pk}/").content.decode()
    assert "已超过保留期限" in page and "试导入（只检查）" not in page
    assert "文件已过期删除" in client.get("/transfer/").content.decode()
    assert client.get(f"/transfer/jobs/{job.pk}/errors/").status_code == 404
    response = client.post(f"/transfer/jobs/{job.pk}/run/", {"mode": "update"}, follow=True)
    assert "已超过保留期限被删除" in response.content.decode()
    assert services.import_files_expire() == 0  # once


def test_a_job_stuck_past_the_period_is_failed_not_left_running(checked_job):
    ImportJob.objects.filter(pk=checked_job.pk).update(status=ImportJob.Status.RUNNING)
    _age(checked_job, 40)
    services.import_files_expire()
    job = ImportJob.objects.get(pk=checked_job.pk)
    assert job.status == ImportJob.Status.FAILED and "超过保留期限" in job.message


def test_orphan_files_are_swept(db, media):
    name = default_storage.save("imports/2020/01/孤儿.xlsx", io.BytesIO(b"x"))
    old = (timezone.now() - datetime.timedelta(days=60)).timestamp()
    import os

    os.utime(default_storage.path(name), (old, old))
    fresh = default_storage.save("imports/2020/01/新的.xlsx", io.BytesIO(b"x"))
    services.import_files_expire()
    assert not default_storage.exists(name) and default_storage.exists(fresh)


def test_each_upload_expires_a_few_old_files(checked_job, tree, personas, django_capture_on_commit_callbacks):
    from .conftest import upload

    _age(checked_job, 31)
    with django_capture_on_commit_callbacks(execute=True):
        services.import_job_create(by=personas.village_a, registry_name="people", unit=tree.village_a,
                                   upload=upload())
    assert ImportJob.objects.get(pk=checked_job.pk).files_expired_at is not None
