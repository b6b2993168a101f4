"""Error pages in the registry's look and language, and the "database unavailable" page.

The 500 and 503 pages are drawn without the request: no session, no user, no database.
"""

import sys

from django.conf import settings
from django.db import DataError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import bad_request

# Frames of Django's database wrapper in which a failure means "cannot connect".
CONNECTING = {"ensure_connection", "connect", "get_new_connection"}


def server_error(request):
    """handler500: a database that does not answer gets the page that retries by itself."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable()
    if isinstance(error, DataError | OverflowError) and request.method in (
        "GET",
        "HEAD",
    ):
        # A value in the address the database cannot take (a NUL character, a
        # malformed pattern, a number out of range; SQLite's driver says the last
        # with an OverflowError of its own): the request is at fault.
        return bad_request(request, error)
    return HttpResponse(render_to_string("500.html"), status=500)


def database_unavailable() -> HttpResponse:
    seconds = settings.DATABASE_RETRY_AFTER
    response = HttpResponse(
        render_to_string("503.html", {"retry_after": seconds}), status=503
    )
    response["Retry-After"] = str(seconds)
    return response


def is_database_unavailable(error) -> bool:
    """A connection that broke (InterfaceError), or could not be opened."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    frames = error.__traceback__
    while frames is not None:
        if frames.tb_frame.f_code.co_name in CONNECTING:
            return True
        frames = frames.tb_next
    return False
