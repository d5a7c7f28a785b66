from pathlib import Path

import polib

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
