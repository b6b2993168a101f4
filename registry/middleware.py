"""The interface language: Vietnamese unless the user switched it."""

from django.conf import settings
from django.utils import translation


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
