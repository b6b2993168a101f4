from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpreadsheetsConfig(AppConfig):
    """Import and export: the top layer, with its pages, jobs and commands.

    An app of its own (no models: its jobs are registry's) so that its commands, which
    import members and unions, live in the one part of registry allowed to import them.
    """

    name = "registry.spreadsheets"
    label = "spreadsheets"
    verbose_name = _("Import and export")
