from datetime import timedelta

from django.utils import timezone

from phongdich.core import ratelimit
from phongdich.core.models import RateEvent

WINDOW = timedelta(minutes=10)


def test_a_key_over_its_limit_is_refused_until_the_window_has_passed(db, monkeypatch):
    start = timezone.now()
    clock = [start]
    monkeypatch.setattr(ratelimit.timezone, "now", lambda: clock[0])
    limits = {"checkin-ip:203.0.113.7": 2}
    assert ratelimit.allow(limits, window=WINDOW) and ratelimit.allow(limits, window=WINDOW)
    assert not ratelimit.allow(limits, window=WINDOW)
    clock[0] = start + WINDOW + timedelta(seconds=1)
    assert ratelimit.allow(limits, window=WINDOW)


def test_one_key_over_its_limit_refuses_the_request_and_counts_it_under_none(db):
    assert ratelimit.allow({"checkin-number:912345678": 1}, window=WINDOW)
    assert not ratelimit.allow({"checkin-ip:203.0.113.8": 5, "checkin-number:912345678": 1}, window=WINDOW)
    assert not RateEvent.objects.filter(key="checkin-ip:203.0.113.8").exists()


def test_events_older_than_a_day_are_removed_whatever_their_key(db):
    RateEvent.objects.create(key="checkin-ip:198.51.100.9", at=timezone.now() - timedelta(days=2))
    ratelimit.allow({"checkin-ip:203.0.113.9": 5}, window=WINDOW)
    assert not RateEvent.objects.filter(key="checkin-ip:198.51.100.9").exists()
