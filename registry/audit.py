"""Access logging for personal data: every view, list, lookup, preview, download and
export of it goes through here (docs/security.md, "The access log").

One entry per request: a list of 50 people is one entry with their count and the
filters that chose them, not 50 entries.
"""

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
    return AccessLog.objects.create(
        user=user,
        action=action,
        target=target[:255],
        object_id=str(object_id),
        count=count,
        is_sensitive=is_sensitive,
        purpose=purpose[:255],
        ip_address=ip_address,
        details=details,
    )
