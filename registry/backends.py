from django.contrib.auth.backends import BaseBackend, ModelBackend

from .models import User
from .roles import ROLE_PERMISSIONS


class RoleBackend(BaseBackend):
    """Grants each active user the permissions of their role (system admins are superusers)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, ()))

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        prefix = f"{app_label}."
        return any(p.startswith(prefix) for p in self.get_all_permissions(user_obj))


class PasswordBackend(ModelBackend):
    """Signs people in by username and password, and grants nothing itself.

    Permissions come from roles alone (RoleBackend). Django's ModelBackend would also
    read the per-user and group permission tables, two queries on every request that
    checks a permission, for grants this registry never makes.
    """

    def get_user(self, user_id):
        """The signed-in user with their unit: nearly every page scopes by it."""
        try:
            user = User.objects.select_related("unit").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()
