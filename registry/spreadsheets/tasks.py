"""Background jobs (Django's Tasks API, django-tasks-db queue): run them with
``python manage.py db_worker`` — any number of workers, on any machine."""

from django_tasks import task

from . import jobs


@task()
def check_file(job_id: int, check: int) -> None:
    jobs.run_check_job(job_id, check)


@task()
def import_file(job_id: int) -> None:
    jobs.run_import_job(job_id)


@task()
def export_file(job_id: int) -> None:
    jobs.run_export_job(job_id)
