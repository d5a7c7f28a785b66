"""The bulk paths: reading a hundred thousand rows without the ORM's converters gives the ORM's values, and the
cyclic collector paused for a batch comes back however the batch ends."""

import gc

import pytest
from django.utils import timezone

from phongdich.accounts.models import User
from phongdich.core.bulk import cycle_collection_paused, plain_values


def test_a_bulk_read_gives_the_values_the_orm_gives_datetimes_aware_and_missing_ones_none(world):
    logged_in = world.user("commune_officer")
    logged_in.last_login = timezone.now()
    logged_in.save(update_fields=["last_login"])
    users = User.objects.order_by("pk")
    fields = ("id", "username", "last_login", "date_joined")
    assert plain_values(users, *fields) == list(users.values_list(*fields))
    read = dict((pk, at) for pk, at in plain_values(users, "id", "last_login"))
    assert read[logged_in.pk] == logged_in.last_login and timezone.is_aware(read[logged_in.pk])
    assert None in read.values()  # the accounts that never logged in


def test_a_bulk_read_of_nothing_asks_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert plain_values(User.objects.filter(pk__in=[]), "id", "last_login") == []


def test_the_collector_paused_for_a_batch_comes_back_even_when_the_batch_fails():
    with pytest.raises(RuntimeError), cycle_collection_paused():
        assert not gc.isenabled()
        raise RuntimeError("a line the batch could not write")
    assert gc.isenabled()


def test_a_collector_already_paused_by_the_caller_stays_paused():
    gc.disable()
    try:
        with cycle_collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
