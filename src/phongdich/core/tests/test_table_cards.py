"""Every list table reads as cards on a phone: the table names its card's columns, badges say a status in words."""

from datetime import timedelta

import django_tables2 as tables
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from phongdich.core.tables import BadgeColumn, DueColumn


class ParcelTable(tables.Table):
    name = tables.Column(verbose_name="Tên")
    commune = tables.Column(verbose_name="Xã")
    result = BadgeColumn(verbose_name="Kết quả", tones={"positive": "alert"})
    due_at = DueColumn(verbose_name="Hạn", is_open=lambda row: not row["done"])
    note = tables.Column(verbose_name="Ghi chú")
    card_columns = ("commune", "name", "result", "due_at")


class PlainTable(tables.Table):
    first = tables.Column(verbose_name="Một")
    second = tables.Column(verbose_name="Hai")
    third = tables.Column(verbose_name="Ba")
    fourth = tables.Column(verbose_name="Bốn")
    fifth = tables.Column(verbose_name="Năm")
    sixth = tables.Column(verbose_name="Sáu")


def rendered(table) -> str:
    request = RequestFactory().get("/")
    return Template("{% load django_tables2 %}{% render_table table %}").render(
        Context({"table": table, "request": request})
    )


def test_a_list_row_on_a_phone_is_a_card_of_the_columns_its_table_names(db):
    overdue = timezone.now() - timedelta(hours=3)
    row = {"name": "Nguyễn Văn An", "commune": "Lái Thiêu", "result": "positive", "due_at": overdue, "done": False}
    html = rendered(ParcelTable([{**row, "note": "Gọi trước"}]))
    assert 'data-card="title" data-label="Xã">Lái Thiêu</td>' in html
    assert 'data-card="field" data-label="Tên">Nguyễn Văn An</td>' in html
    assert 'data-card="more" data-label="Ghi chú">Gọi trước</td>' in html
    assert "data-card-head>" in html and "data-card-row>" in html


def test_a_table_that_names_no_card_shows_its_first_column_as_title_and_the_next_four(db):
    html = rendered(PlainTable([{"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}]))
    assert 'data-card="title" data-label="Một"' in html
    assert 'data-card="field" data-label="Năm"' in html and 'data-card="more" data-label="Sáu"' in html


def test_a_positive_result_and_an_overdue_item_are_badges_in_colour_and_in_words(db):
    late = timezone.now() - timedelta(days=1)
    html = rendered(
        ParcelTable([{"name": "Lê Thị Bé", "commune": "An Phú", "result": "positive", "due_at": late, "done": False}])
    )
    assert '<span class="badge badge-alert">positive</span>' in html
    assert '<span class="badge badge-alert">Quá hạn</span>' in html


def test_a_done_item_past_its_time_is_not_overdue(db):
    late = timezone.now() - timedelta(days=1)
    html = rendered(
        ParcelTable([{"name": "Lê Thị Bé", "commune": "An Phú", "result": "", "due_at": late, "done": True}])
    )
    assert "Quá hạn" not in html and "badge-alert" not in html
