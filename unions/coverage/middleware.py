"""Employer figures follow the writes: a page view never writes them.

The triggers queue every employer whose facts a write changed (triggers.py). A request
that may have written (any method but GET, HEAD, OPTIONS, TRACE) recomputes the queue
before it answers, so the next page read shows the change; a long queue (a subtree of
thousands of employers moved at once) goes to the background worker instead
(``python manage.py db_worker``). Imports, seed_demo and migrations bring the figures up
to date themselves. Reading pages, exports and commands only read.
"""

from . import spells

READING_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class EmployerFiguresFollowWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After a failed request (a database that stopped answering) the queue stays
        # for the next write or the worker: its error page is not replaced by another.
        if request.method not in READING_METHODS and response.status_code < 500:
            spells.follow_writes()
        return response
