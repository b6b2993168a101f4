"""System checks for settings a production server must not run without."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def two_factor_required(app_configs, **kwargs):
    if settings.TWO_FACTOR_REQUIRED:
        return []
    return [
        Warning(
            "Two-factor sign-in is not required (TWO_FACTOR_REQUIRED is off): "
            "administrators and provincial officers sign in with a password alone.",
            hint="Set TWO_FACTOR_REQUIRED=true in production.",
            id="registry.W001",
        )
    ]
