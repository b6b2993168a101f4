from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "unions"
    verbose_name = _("Unions and employers")

    def ready(self):
        from .ancestry import rewritten
        from .coverage.employer_tally import follow_moves
        from .coverage.triggers import ensure_after_migrate

        # The employer tally on the tree of each date follows every move.
        rewritten.connect(follow_moves, dispatch_uid="employer_tally_follows_moves")

        # SQLite drops a table's triggers when a migration rebuilds it: reinstall them.
        post_migrate.connect(ensure_ancestry_trigger, sender=self)
        post_migrate.connect(ensure_after_migrate, sender=self)
        post_migrate.connect(ensure_dated_tally, sender=self)


def ensure_ancestry_trigger(sender, using, **kwargs):
    from django.db import connections

    from .ancestry import ensure_trigger

    ensure_trigger(connections[using])


def ensure_dated_tally(sender, using, **kwargs):
    from django.db import connections

    from .coverage.dated_tally import ensure

    ensure(connections[using])
