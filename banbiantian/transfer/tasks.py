from django.tasks import task


@task()
def run_import(job_id: int) -> None:
    """A dry run or an import of one uploaded file, in the worker (at once in tests)."""
    from .services import execute_job

    execute_job(job_id=job_id)
