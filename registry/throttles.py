"""How often one account may ask something that could be used to enumerate people."""

import time

from django.conf import settings
from django.core.cache import cache


def allow_cccd_lookup(user) -> bool:
    """Count one CCCD lookup by ``user``; False past settings.CCCD_LOOKUPS_PER_HOUR
    in the current clock hour (the admit form: one person at a time, typed by hand)."""
    key = f"cccd-lookups:{user.pk}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3600)
        count = 1
    return count <= settings.CCCD_LOOKUPS_PER_HOUR
