"""Every page in the navigation, for every role, in Vietnamese in Chromium: no untranslated message, no link to
a missing page, no console error."""

import os
import re
from urllib.parse import urljoin, urlsplit

import pytest

from phongdich.core.testing import PERSONAS, english_sentences_in, untranslated_msgids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_ROLE_EACH = [name for name, roles in PERSONAS.items() if not isinstance(roles, list)]
LINKS_PER_ROLE = 80  # same-site links checked beyond the navigation itself, the first found first
API_DOCS = "/api/"  # written for programmers, in English like the API itself
NOT_FOLLOWED = re.compile(r"^/(static|media)/|/logout|/i18n/|\.(pdf|png|svg|csv|xlsx)$|[?&]format=")


def navigation_urls(user) -> list[str]:
    """The addresses the menu offers `user`: the one place that knows how the navigation is built."""
    from phongdich.core.navigation import menu_for

    menu = menu_for(user, "/")
    return ["/", *(link["url"] for link in menu["main"]), *(link["url"] for g in menu["groups"] for link in g["links"])]


def logged_in_page(browser, base: str, user):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
    return context.new_page()


def same_site_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    paths = []
    for href in hrefs:
        url = urlsplit(urljoin(page.url, href))
        if url.netloc == urlsplit(base).netloc and not NOT_FOLLOWED.search(url.path + "?" + url.query):
            paths.append(url.path + (f"?{url.query}" if url.query else ""))
    return paths


@pytest.mark.parametrize("persona", ONE_ROLE_EACH)
def test_every_page_in_the_navigation_is_vietnamese_and_leads_nowhere_missing(browser, live_server, seeded, persona):
    from phongdich.core.testing import World

    user = World().user(persona)
    base = live_server.url
    page = logged_in_page(browser, base, user)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if message.type == "error" else 0)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
    broken, english, to_check, checked = [], {}, [], set()
    with untranslated_msgids() as missed:
        for path in navigation_urls(user):
            response = page.goto(f"{base}{path}", wait_until="load")
            if response is None or response.status >= 400:
                broken.append(f"{path}: {response and response.status}")
                continue
            for sentence in [] if path.startswith(API_DOCS) else english_sentences_in(page.content()):
                english.setdefault(sentence, path)
            to_check += [(link, path) for link in same_site_links(page, base)]
            checked.add(path)
        for link, found_on in to_check:
            if link in checked or len(checked) >= LINKS_PER_ROLE:
                continue
            checked.add(link)
            answer = page.request.get(f"{base}{link}", max_redirects=3)
            if answer.status in (404, 500):
                broken.append(f"{link} (linked from {found_on}): {answer.status}")
            elif "text/html" in answer.headers.get("content-type", ""):
                for sentence in english_sentences_in(answer.text()):
                    english.setdefault(sentence, link)
    if os.environ.get("PHONGDICH_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['PHONGDICH_SCREENSHOTS']}/crawl-{persona}.png", full_page=True)
    assert broken == [], f"links to missing or failing pages: {broken}"
    assert errors == [], f"console errors: {errors}"
    assert sorted(missed) == [], f"messages without a Vietnamese translation: {sorted(missed)}"
    assert english == {}, f"English messages shown in Vietnamese pages: {english}"
