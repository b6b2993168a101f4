"""Access logging for personal data: every member view and every export goes through here."""

from .models import AccessLog


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def log_access(
    request, *, action: str, target: str, object_id="", **details
) -> AccessLog:
    """Record that the request's user read or moved personal data."""
    return AccessLog.objects.create(
        user=request.user if request.user.is_authenticated else None,
        action=action,
        target=target[:255],
        object_id=str(object_id),
        ip_address=client_ip(request),
        details=details,
    )
