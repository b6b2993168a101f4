"""Background jobs of the coverage figures (run them with ``python manage.py db_worker``)."""

from django_tasks import task

from . import spells


@task()
def refresh_employer_figures() -> int:
    """Recompute the spells and tally rows of every queued employer."""
    return spells.refresh()
