from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from .triggers import ensure_after_migrate

        # SQLite drops a table's triggers when a migration rebuilds it: reinstall them.
        post_migrate.connect(ensure_after_migrate, sender=self)
