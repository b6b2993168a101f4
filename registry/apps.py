from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import accounts, checks  # noqa: F401  (registers the system checks)
        from .append_only import ensure_after_migrate

        user_logged_in.connect(accounts.on_sign_in)
        post_migrate.connect(ensure_after_migrate, sender=self)
