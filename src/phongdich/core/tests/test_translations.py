from pathlib import Path

import django_tables2 as tables
import polib
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

import phongdich

CATALOGUE = Path(phongdich.__file__).parent / "locale/vi/LC_MESSAGES/django.po"


def test_every_message_has_a_vietnamese_translation():
    po = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_its_source():
    po = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.pofile(str(CATALOGUE))}
    mo = {e.msgid: e.msgstr or e.msgstr_plural for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))}
    assert po == mo, "run `make messages`"


def test_pages_are_vietnamese_by_default_whatever_the_browser_prefers(client, world):
    page = client.get("/accounts/login/", headers={"Accept-Language": "en-US,en"}).content.decode()
    assert "Đăng nhập" in page and 'lang="vi"' in page


def test_the_language_switch_changes_to_english_and_back(client_as):
    client = client_as("commune_officer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/persons/"})
    assert "Register a person" in client.get("/persons/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/persons/"})
    assert "Đăng ký người dân" in client.get("/persons/").content.decode()


class NumberedRows(tables.Table):
    number = tables.Column()


def test_a_capped_count_is_grouped_and_the_page_links_read_in_vietnamese():
    table = NumberedRows([{"number": n} for n in range(60)])
    table.paginate(per_page=25)
    with translation.override("vi"):
        html = render_to_string(
            "core/_table.html", {"table": table, "capped": True, "count": 1000}, request=RequestFactory().get("/")
        )
    assert "Hơn 1.000 kết quả" in html and "trang sau" in html and ">next<" not in html


def test_the_untranslated_message_check_catches_a_message_missing_from_the_catalogue(untranslated_msgids):
    from django.template import engines

    template = engines["django"].from_string('{% load i18n %}{% translate "Xyzzy has no Vietnamese" %}')
    with translation.override("vi"):
        assert template.render({}) == "Xyzzy has no Vietnamese"
    assert untranslated_msgids == {"Xyzzy has no Vietnamese"}
    untranslated_msgids.clear()


def test_the_public_verifier_refusing_a_text_looks_up_only_translated_messages(db, client, untranslated_msgids):
    page = client.post("/verify", {"text": "HC1:NOT-A-CERTIFICATE"}).content.decode()
    assert "✘ Không hợp lệ" in page
    assert untranslated_msgids == set()
