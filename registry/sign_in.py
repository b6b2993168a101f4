"""Sign-in throttling on django-axes: a username is locked after settings.AXES_FAILURE_LIMIT
wrong passwords, an address after settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS (someone
trying many usernames from one place). AXES_LOCKOUT_PARAMETERS lists the two, in
this order; axes compares both counts with its one limit, so the address's count
is given in units of it."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def client_address(request) -> str:
    """Where a sign-in comes from: REMOTE_ADDR, or behind settings.TRUSTED_PROXIES
    reverse proxies the address the outermost one saw. X-Forwarded-For is read from
    the right: each proxy appends what it saw, and the client can write the rest."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    forwarded = [address.strip() for address in forwarded if address.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


class SignInHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        by_username, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        per_username = settings.AXES_FAILURE_LIMIT
        per_address = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
        # The lock-out page says which of the two it is.
        request.sign_in_locked_for_address = by_address >= per_address
        # floor(n × u / a) reaches u exactly when n reaches a.
        return max(by_username, by_address * per_username // per_address)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A right password clears its username's failures, not its address's: one
        known password must not reset the count of an address trying others."""
        by_username = self.filter_user_attempts(request, credentials)[0]
        count, _ = by_username.delete()
        return count
