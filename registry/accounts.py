"""Accounts beyond the password: sessions, two-factor sign-in, lock-outs."""

import time
from base64 import b32encode

import segno
from axes.utils import reset as reset_sign_in_failures
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from .middleware import HAS_AUTHENTICATOR, SEEN_AT
from .models import User
from .roles import TWO_FACTOR_ROLES


def sign_out_everywhere(user: User) -> None:
    """End every session of ``user`` on every browser: each is checked against the
    account's session generation, which this raises."""
    User.objects.filter(pk=user.pk).update(
        session_generation=F("session_generation") + 1
    )
    user.refresh_from_db(fields=["session_generation"])


def unlock(user: User) -> int:
    """Let a locked-out account sign in again at once; returns the failures cleared."""
    return reset_sign_in_failures(username=user.get_username())


@transaction.atomic
def reset_two_factor(user: User) -> None:
    """Forget the account's authenticator (a lost phone): it enrols again at its next
    sign-in, and every session it has open ends now."""
    TOTPDevice.objects.filter(user=user).delete()
    sign_out_everywhere(user)


def must_use_two_factor(user) -> bool:
    return settings.TWO_FACTOR_REQUIRED and user.role in TWO_FACTOR_ROLES


def has_authenticator(user) -> bool:
    return any(devices_for_user(user, confirmed=True))


def new_key() -> str:
    return default_key()


def enrolment_url(user, key: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return TOTPDevice(user=user, key=key).config_url


def qr_code_svg(text: str) -> str:
    """``text`` as a QR code in SVG markup, drawn here (nothing leaves the server)."""
    return segno.make(text, error="m").svg_inline(scale=5, dark="#1b1b1b")


def readable_key(key: str) -> str:
    """The key as people type it into an app: base32, in groups of four."""
    text = b32encode(bytes.fromhex(key)).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def code_matches_key(key: str, code: str) -> bool:
    """Whether ``code`` is the current one-time code of ``key`` (one step either way)."""
    code = code.replace(" ", "")
    if not code.isdigit():
        return False
    totp = TOTP(bytes.fromhex(key))
    totp.time = time.time()
    return totp.verify(int(code), tolerance=1)


@transaction.atomic
def enrol(user, key: str) -> TOTPDevice:
    """Make ``key`` the account's one authenticator."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(
        user=user, name="authenticator", key=key, confirmed=True
    )


def on_sign_in(sender, request, user, **kwargs):
    """user_logged_in receiver (connected in RegistryConfig.ready): start the idle clock,
    and mark an account with an authenticator, which is asked for its code whether or
    not its role requires one."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[SEEN_AT] = int(timezone.now().timestamp())
    if has_authenticator(user):
        request.session[HAS_AUTHENTICATOR] = True
