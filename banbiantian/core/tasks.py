from django.tasks import task


@task()
def run_export(job_id: int) -> None:
    """A large list download, in the worker (at once in tests): core.exports.run_job."""
    from .exports import run_job

    run_job(job_id)
