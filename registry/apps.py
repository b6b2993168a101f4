from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import accounts, checks  # noqa: F401  (registers the system checks)

        user_logged_in.connect(accounts.on_sign_in)
