"""Per-request rules: the interface language, the idle time-out, two-factor sign-in."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils import timezone, translation

SEEN_AT = "seen_at"
# Set at sign-in for an account with an authenticator: it is asked for a code even
# where the setting does not require one.
HAS_AUTHENTICATOR = "has_authenticator"


class ChosenLanguageMiddleware:
    """Activate the language picked with the switcher (its cookie), else Vietnamese.

    Unlike Django's LocaleMiddleware this does not follow the browser's Accept-Language:
    federation staff often work on an English Windows or browser, and the registry must
    still open in Vietnamese for them. English is shown only to whoever asks for it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class IdleTimeoutMiddleware:
    """Sessions end after SESSION_COOKIE_AGE without a request, not at a fixed hour.

    Each save of the session pushes its expiry (in the database and in the cookie) a
    full idle period ahead. Saving once a minute at most keeps that sliding without a
    write on every request.
    """

    TOUCH_EVERY = 60  # seconds

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.is_empty():
            now = int(timezone.now().timestamp())
            if now - session.get(SEEN_AT, 0) >= self.TOUCH_EVERY:
                session[SEEN_AT] = now  # SessionMiddleware saves it, expiry renewed
        return response


class TwoFactorMiddleware:
    """A signed-in account that must give a one-time code sees nothing else until it
    has: the code page if it has an authenticator, else the enrolment page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        step = two_factor_step(request)
        if step and request.path not in self.open_paths():
            return redirect_to_login(request.get_full_path(), reverse(step))
        return self.get_response(request)

    @staticmethod
    def open_paths():
        return {
            reverse(name)
            for name in ("two_factor_verify", "two_factor_enrol", "logout")
        } | {reverse("set_language")}


def two_factor_step(request) -> str | None:
    """The page the request's user must pass first, or None."""
    from .accounts import has_authenticator, must_use_two_factor

    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    if not (must_use_two_factor(user) or request.session.get(HAS_AUTHENTICATOR)):
        return None
    return "two_factor_verify" if has_authenticator(user) else "two_factor_enrol"
