"""Request limits for public pages, counted in the database so they hold across the server's worker processes."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import RateEvent

LONGEST_WINDOW = timedelta(days=1)  # events older than this are removed, whatever their key


def allow(limits: dict[str, int], *, window: timedelta) -> bool:
    """Count one request under each key of `limits` ({"checkin-ip:203.0.113.7": 30, …}) and say whether it
    stays within every key's limit for the window. A refused request is not counted, so a client that waits
    gets through again. Two concurrent requests may both take the last free place: the limit is a brake on
    abuse, not an exact quota."""
    if window > LONGEST_WINDOW:
        raise ValueError(f"a limit's window is at most {LONGEST_WINDOW}")
    keys = [key[:100] for key in limits]
    now = timezone.now()
    start = now - window
    with transaction.atomic():
        RateEvent.objects.filter(at__lt=now - LONGEST_WINDOW).delete()
        counts = dict.fromkeys(keys, 0)
        for key in RateEvent.objects.filter(key__in=keys, at__gte=start).values_list("key", flat=True):
            counts[key] += 1
        if any(counts[key[:100]] >= limit for key, limit in limits.items()):
            return False
        RateEvent.objects.bulk_create([RateEvent(key=key, at=now) for key in keys])
    return True


def client_ip(request) -> str:
    """The client's address: the proxy's header when the deployment names one (PHONGDICH_CLIENT_IP_HEADER,
    e.g. X-Real-IP set by nginx), since behind a proxy every request comes from the proxy itself."""
    from django.conf import settings

    header = settings.PHONGDICH_CLIENT_IP_HEADER
    forwarded = request.headers.get(header, "").split(",")[0].strip() if header else ""
    return forwarded or request.META.get("REMOTE_ADDR", "")
