"""Access logging for personal data: every view, list, lookup, preview, download and
export of it goes through here (docs/security.md, "The access log").

One entry per request: a list of 50 people is one entry with their count and the
filters that chose them, not 50 entries.
"""

from django.db import connection, transaction

from .models import AccessLog


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    request,
    *,
    action: str,
    target: str,
    object_id="",
    count: int | None = None,
    is_sensitive: bool = False,
    purpose: str = "",
    **details,
) -> AccessLog:
    """Record that the request's user read or moved personal data."""
    return record_access(
        user=request.user if request.user.is_authenticated else None,
        ip_address=client_ip(request),
        action=action,
        target=target,
        object_id=object_id,
        count=count,
        is_sensitive=is_sensitive,
        purpose=purpose,
        **details,
    )


def record_access(
    *,
    user,
    action: str,
    target: str,
    object_id="",
    count: int | None = None,
    is_sensitive: bool = False,
    purpose: str = "",
    ip_address: str | None = None,
    **details,
) -> AccessLog:
    """``log_access`` without a request: the commands and the background jobs."""
    entry = AccessLog(
        user=user,
        action=action,
        target=_text(target)[:255],
        object_id=_text(str(object_id))[:64],
        count=count,
        is_sensitive=is_sensitive,
        purpose=_text(purpose)[:255],
        ip_address=ip_address,
        details=_text(details),
    )
    if connection.in_atomic_block or connection.vendor != "postgresql":
        entry.save()  # committed with the request's own changes, if it has any
        return entry
    # On its own, the entry is a transaction that waits for the disk at its commit:
    # most of a member-list request's time on a busy server (docs/benchmarks.md).
    # Committed asynchronously, it is written moments later; a crash of the database
    # server (not of the application) in those moments may lose it, never corrupt it.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        entry.save()
    return entry


def _text(value):
    """``value`` without NUL characters, which PostgreSQL refuses in text and JSON: an
    address typed with ``%00`` in a filter is logged, not a server error."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_text(k): _text(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_text(v) for v in value]
    return value
