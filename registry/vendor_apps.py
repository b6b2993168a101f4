"""The third-party apps the administration shows, under names in the user's language.

django-axes, django-otp and django-tasks have no Vietnamese catalogue. Their apps are
renamed here (Django's way: an AppConfig subclass in INSTALLED_APPS), and the strings
their code passes through gettext are listed below so that ``makemessages`` keeps them
in this app's catalogue, where they are translated.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in lock-out")


class TOTPConfig(TOTPAppConfig):
    verbose_name = _("Two-factor sign-in")

    def ready(self):
        # django-otp names the model in plain English; the same words as a msgid
        # change nothing the migrations compare (they read Meta's original values).
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = _("TOTP device")
        meta.verbose_name_plural = _("TOTP devices")


class TasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


STRINGS = [
    # django-axes: its admin pages and lock-out messages
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Cleaned up {count} expired access attempts."),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access logs"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop(
        "Account locked: too many login attempts. Contact an admin to unlock your "
        "account."
    ),
    # django-otp: its forms' messages
    gettext_noop("Please enter your OTP token."),
    gettext_noop("Invalid token. Please make sure you have entered it correctly."),
    gettext_noop("Verification of the token is currently disabled"),
    gettext_noop("Please select a device."),
    # django-tasks and its database backend: the task results in the administration
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    gettext_noop("Ready"),
    gettext_noop("Running"),
    gettext_noop("Failed"),
    gettext_noop("Successful"),
]
