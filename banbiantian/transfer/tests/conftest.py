import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from banbiantian.transfer import services
from banbiantian.transfer.models import ImportJob

from .helpers import ledger_xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded and error files go to a temporary folder, never beside the code."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    return tmp_path


def upload(data: bytes | None = None, name="东塘村台账.xlsx"):
    return SimpleUploadedFile(name, data if data is not None else ledger_xlsx())


@pytest.fixture
def checked_job(tree, personas):
    """Village A's ledger, uploaded and dry-run: it has a report and an error file."""
    job = services.import_job_create(by=personas.village_a, registry_name="people", unit=tree.village_a,
                                     upload=upload())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, dry_run=True)
    return services.execute_job(job_id=job.pk)
