"""Roles and what each may do: the one place permissions are decided."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    PROVINCIAL = "provincial", _("Provincial federation officer")
    UPPER_LEVEL = "upper_level", _("Upper-level union officer")
    GRASSROOTS = "grassroots", _("Grassroots union officer")
    LEADER = "leader", _("Leader (read-only)")


# Accounts that sign in with a one-time code as well as the password when
# settings.TWO_FACTOR_REQUIRED is on: they can change accounts, or the whole province.
TWO_FACTOR_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.PROVINCIAL})

REFERENCE_MODELS = [
    "unions.unionunit",
    "unions.employer",
    "unions.collectiveagreement",
    "unions.industrialzone",
    "unions.workforcereport",
    "unions.target",
]
MEMBER_MODELS = ["members.member", "members.membership", "members.transferrequest"]


def _perms(actions: list[str], models_: list[str]) -> set[str]:
    return {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label in models_
        for action in actions
    }


_READ = _perms(["view"], REFERENCE_MODELS + MEMBER_MODELS) | {
    "registry.view_province",
    "registry.view_ward",
    "unions.view_dashboard",
}
_WRITE_MEMBERS = _perms(["add", "change"], MEMBER_MODELS)
_SENSITIVE = {"members.view_sensitive_data", "members.export_member"}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.LEADER: frozenset(_READ | {"unions.export_coverage"}),
    Role.GRASSROOTS: frozenset(
        _READ
        | _WRITE_MEMBERS
        | _SENSITIVE
        | _perms(
            ["add", "change"], ["unions.collectiveagreement", "unions.workforcereport"]
        )
    ),
    Role.UPPER_LEVEL: frozenset(
        _READ
        | _WRITE_MEMBERS
        | _SENSITIVE
        | _perms(["add", "change"], REFERENCE_MODELS)
        | {
            "registry.import_data",
            "unions.export_coverage",
            "unions.sign_off_period",
            "unions.view_signedperiod",
        }
    ),
}
ROLE_PERMISSIONS[Role.PROVINCIAL] = ROLE_PERMISSIONS[Role.UPPER_LEVEL] | {
    "registry.view_accesslog",
    "unions.reorganise_unionunit",
}
