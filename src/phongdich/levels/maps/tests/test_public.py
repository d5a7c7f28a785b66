"""The public page /cap-do-dich/ and its images: no login, nobody named, no menu, the latest week by default, the
counts by district, cached whole until a newer week is published, and 404 for what was not published."""

import io
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from phongdich.core import clock
from phongdich.levels.choices import COLOURS, AssessmentStatus
from phongdich.people.services import person_create
from phongdich.places.models import AdminUnit
from phongdich.surveillance.choices import DetectionSetting
from phongdich.surveillance.services import case_confirm

from .test_pages import squares, svg_of
from .world import AN_PHU, HIEP_THANH, LAI_THIEU, NEXT_WEEK, WEEK, published, vi

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def test_anyone_opens_the_public_page_without_logging_in_and_no_person_is_named(world):
    officer = world.user("commune_officer")
    person = person_create(
        actor=officer, full_name="Trương Thị Kim Xuyến", birth_year=1975, sex="female", unit=world.unit("25966-01")
    )
    case_confirm(
        actor=officer,
        person=person,
        confirmed_at=timezone.now() - timedelta(hours=3),
        confirmation_test="rt_pcr",
        detection_setting=DetectionSetting.COMMUNITY,
    )
    published(WEEK, {LAI_THIEU: 4, AN_PHU: 3})
    page = Client().get("/cap-do-dich/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Phường Lái Thiêu" in html and squares(svg_of(html))[LAI_THIEU] == COLOURS[4]
    for personal in ("Trương Thị Kim Xuyến", "Xuyến", "Đỗ Văn Tâm", "Nguyễn Thị Hằng", "0912345678", "074186123456"):
        assert personal not in html
    for image in ("/cap-do-dich/ban-do.svg", "/cap-do-dich/ban-do.png"):
        answer = Client().get(image)
        assert answer.status_code == 200 and "Xuyến".encode() not in answer.content


def test_the_public_page_carries_no_menu_no_form_token_and_no_link_into_the_platform_even_for_an_officer(client_as):
    published(WEEK, {LAI_THIEU: 3})
    html = client_as("province_commander").get("/cap-do-dich/").content.decode()
    assert 'class="menu' not in html and "user-menu" not in html and "csrfmiddlewaretoken" not in html
    assert "/units/" not in html and "<script" not in html and "<a href" not in svg_part(html)


def svg_part(html: str) -> str:
    return html[html.index("<svg xmlns") : html.index("</svg>")]


def test_the_public_page_shows_the_latest_week_when_the_levels_take_effect_and_the_counts_by_district():
    published(WEEK, {LAI_THIEU: 4})
    published(NEXT_WEEK, {LAI_THIEU: 3, AN_PHU: 3, "25741": 2})
    html = Client().get("/cap-do-dich/").content.decode()
    assert "18/10/2021 – 24/10/2021" in html and "26/10/2021 00:00" in html  # in effect the Tuesday after
    row = html[html.index("Thành phố Thuận An</td>") :].split("</tr>")[0]
    cells = [cell.split("<")[0] for cell in row.split('class="num" data-label=')[1:]]
    assert [cell.split(">")[1] for cell in cells] == ["8", "0", "2", "0", "0", "10"]  # Thuận An's 10 communes
    assert 'href="/cap-do-dich/ban-do.png?week=2021-10-18&amp;depth=2"' in html
    assert 'href="/cap-do-dich/ban-do.svg?week=2021-10-18&amp;depth=2"' in html


def test_the_public_slider_goes_back_to_an_earlier_week():
    published(WEEK, {LAI_THIEU: 4})
    published(NEXT_WEEK, {LAI_THIEU: 1})
    html = Client().get("/cap-do-dich/?w=0").content.decode()
    assert squares(svg_of(html))[LAI_THIEU] == COLOURS[4] and "11/10/2021 – 17/10/2021" in html


def test_the_public_page_is_cached_and_a_newer_published_week_replaces_it(django_assert_max_num_queries):
    published(WEEK, {LAI_THIEU: 4})
    client = Client()
    first = client.get("/cap-do-dich/")
    with django_assert_max_num_queries(1):  # the published weeks; the page itself comes from the cache
        again = client.get("/cap-do-dich/")
    assert again.content == first.content
    assert "public" in again["Cache-Control"] and "max-age=300" in again["Cache-Control"]
    assert "Cookie" in again["Vary"]
    published(NEXT_WEEK, {LAI_THIEU: 2})
    newer = client.get("/cap-do-dich/").content.decode()
    assert "18/10/2021 – 24/10/2021" in newer and squares(svg_of(newer))[LAI_THIEU] == COLOURS[2]
    older = client.get("/cap-do-dich/?week=2021-10-11").content.decode()
    assert squares(svg_of(older))[LAI_THIEU] == COLOURS[4] and 'max="1"' in older  # its slider knows the new week


def test_a_week_published_again_is_not_served_from_the_cache():
    assessment = published(WEEK, {LAI_THIEU: 4})
    Client().get("/cap-do-dich/")
    assessment.results.filter(unit__code=LAI_THIEU).update(level=3)
    assessment.published_at += timedelta(hours=1)
    assessment.save(update_fields=["published_at"])
    assert squares(svg_of(Client().get("/cap-do-dich/").content.decode()))[LAI_THIEU] == COLOURS[3]


@pytest.mark.parametrize(
    "query",
    ["week=2021-10-04", "week=2021-10-11T00:00", "week=11/10/2021", "w=5", "w=1e3", "depth=3", "depth=x", "lang=fr"],
)
def test_what_was_not_published_answers_404_on_the_page_and_the_images(query):
    published(WEEK)
    for address in ("/cap-do-dich/", "/cap-do-dich/ban-do.svg", "/cap-do-dich/ban-do.png"):
        assert Client().get(f"{address}?{query}").status_code == 404, address


def test_a_proposal_is_not_public():
    published(WEEK, {LAI_THIEU: 4}, status=AssessmentStatus.PROPOSED)
    page = Client().get("/cap-do-dich/")
    assert page.status_code == 200 and "<svg xmlns" not in page.content.decode()
    assert Client().get("/cap-do-dich/ban-do.png").status_code == 404


def test_the_public_page_and_images_refuse_a_post():
    published(WEEK)
    for address in ("/cap-do-dich/", "/cap-do-dich/ban-do.svg", "/cap-do-dich/ban-do.png"):
        assert Client().post(address).status_code == 405


def test_the_press_gets_the_map_as_an_svg_that_parses_and_a_png():
    published(WEEK, {LAI_THIEU: 4})
    svg = Client().get("/cap-do-dich/ban-do.svg?week=2021-10-11")
    assert svg["Content-Type"].startswith("image/svg+xml") and "public" in svg["Cache-Control"]
    root = ET.fromstring(svg.content)
    assert root.tag == f"{SVG}svg" and squares(root)[LAI_THIEU] == COLOURS[4]
    assert "cap-do-dich-2021-10-11-2.svg" in svg["Content-Disposition"]
    png = Client().get("/cap-do-dich/ban-do.png?week=2021-10-11")
    image = Image.open(io.BytesIO(png.content))
    assert png["Content-Type"] == "image/png" and image.format == "PNG"
    assert image.size == (int(root.get("width")) * 2, int(root.get("height")) * 2)  # the same figure, for print


def test_the_public_page_speaks_english_when_asked_and_its_links_keep_the_language():
    published(WEEK)
    page = Client().get("/cap-do-dich/?lang=en")
    html = page.content.decode()
    assert page["Content-Language"] == "en" and '<html lang="en">' in html and "Epidemic levels" in html
    form = html.split("level-map-form")[1].split("</form>")[0]
    assert '<input type="hidden" name="lang" value="en">' in form  # the slider keeps it, and so do the files
    assert 'href="/cap-do-dich/ban-do.png?week=2021-10-11&amp;depth=2&amp;lang=en"' in html
    assert Client().get("/cap-do-dich/").content.decode().count('<html lang="vi">') == 1


def test_no_week_published_yet_is_said_publicly():
    page = Client().get("/cap-do-dich/")
    assert page.status_code == 200 and "<svg xmlns" not in page.content.decode()
    assert date(2021, 10, 11).strftime("%d/%m/%Y") not in page.content.decode()


def test_a_resident_finds_their_ward_in_a_list_by_district_with_its_level_in_words_and_its_colour_named():
    published(WEEK, {LAI_THIEU: 4, AN_PHU: 3}, no_population=(HIEP_THANH,))
    html = Client().get("/cap-do-dich/").content.decode()
    listed = html[html.index('id="map-units"') : html.index('id="map-districts"')]
    thuan_an = listed[listed.index("<strong>Thành phố Thuận An</strong>") :].split("</details>")[0]
    lai_thieu = thuan_an[thuan_an.index("Phường Lái Thiêu") :].split("</li>")[0]
    assert vi("Level 4 – very high") in lai_thieu and f"({vi('red')})" in lai_thieu
    an_phu = thuan_an[thuan_an.index("Phường An Phú") :].split("</li>")[0]
    assert vi("Level 3 – high") in an_phu and f"({vi('orange')})" in an_phu
    assert listed.count("<details") == 9 and listed.count("<li>") == AdminUnit.objects.filter(depth=2).count()
    hiep_thanh = listed[listed.index("Phường Hiệp Thành") :].split("</li>")[0]
    assert vi("Not assessed / no population") in hiep_thanh
    # The map's squares are named too, for whoever points at one.
    titles = [title.text for title in svg_of(html).iter(f"{SVG}title")]
    assert f"Phường Lái Thiêu: {vi('Level 4 – very high')}" in titles


def test_the_public_list_names_a_residential_group_with_its_commune():
    published(WEEK, {"25966-01": 3}, groups=True)
    html = Client().get("/cap-do-dich/?depth=3").content.decode()
    listed = html[html.index('id="map-units"') : html.index('id="map-districts"')]
    assert "<strong>Khu phố 1, Phường Lái Thiêu</strong>" in listed


def test_the_public_page_names_the_week_it_shows_in_its_opening_sentence():
    published(WEEK)
    published(NEXT_WEEK)
    html = Client().get("/cap-do-dich/?w=0").content.decode()
    opening = html[html.index("</h1>") : html.index("level-map-form")]
    assert "11/10/2021 – 17/10/2021" in opening


def test_the_files_show_the_week_when_the_levels_apply_and_who_published_them():
    published(WEEK, {LAI_THIEU: 4})
    root = ET.fromstring(Client().get("/cap-do-dich/ban-do.svg").content)
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert vi("Week %(start)s – %(end)s", start="11/10/2021", end="17/10/2021") in texts
    assert vi("In effect from %(at)s.", at="19/10/2021 00:00") in texts
    assert vi("Published by %(place)s on %(at)s.", place="Tỉnh Bình Dương", at="18/10/2021 18:00") in texts
    png = Image.open(io.BytesIO(Client().get("/cap-do-dich/ban-do.png").content))
    assert png.size == (int(root.get("width")) * 2, int(root.get("height")) * 2)  # the same lines, painted


def test_the_public_page_says_levels_are_not_yet_in_effect_and_stops_saying_so_once_they_are(monkeypatch):
    published(WEEK, {LAI_THIEU: 4})
    published(NEXT_WEEK, {LAI_THIEU: 2})  # published 25/10 at 18:00, in effect from 26/10 at 0:00
    tz = timezone.get_current_timezone()
    monkeypatch.setattr(clock, "now", lambda: datetime(2021, 10, 25, 20, 0, tzinfo=tz))
    html = Client().get("/cap-do-dich/").content.decode()
    notice = html[html.index('class="not-yet"') :].split("</p>")[0]
    assert vi("Not yet in effect:") in notice and "26/10/2021 00:00" in notice
    assert 'href="?week=2021-10-11&amp;depth=2"' in notice  # the levels published before
    monkeypatch.setattr(clock, "now", lambda: datetime(2021, 10, 26, 1, 0, tzinfo=tz))
    html = Client().get("/cap-do-dich/").content.decode()  # the cached page is not served past the time
    assert 'class="not-yet"' not in html and vi("In effect from %(at)s.", at="26/10/2021 00:00") in html


def test_a_raise_that_takes_effect_later_is_flagged_on_its_unit_in_the_public_list(monkeypatch):
    assessment = published(WEEK, {LAI_THIEU: 4})
    assessment.results.filter(unit__code=LAI_THIEU).update(effective_at=assessment.effective_at + timedelta(days=1))
    tz = timezone.get_current_timezone()
    monkeypatch.setattr(clock, "now", lambda: datetime(2021, 10, 19, 9, 0, tzinfo=tz))
    html = Client().get("/cap-do-dich/").content.decode()
    lai_thieu = html[html.index("<strong>Phường Lái Thiêu</strong>") :].split("</li>")[0]
    assert vi("not yet in effect") in lai_thieu and "20/10/2021 00:00" in lai_thieu
    an_phu = html[html.index("<strong>Phường An Phú</strong>") :].split("</li>")[0]
    assert vi("not yet in effect") not in an_phu


@pytest.mark.parametrize("address", ["/cap-do-dich/", "/cap-do-dich/ban-do.svg", "/cap-do-dich/ban-do.png"])
def test_a_week_that_was_not_published_answers_a_public_404_page(address):
    published(WEEK)
    page = Client().get(f"{address}?week=2021-10-04")
    html = page.content.decode()
    assert (
        page.status_code == 404
        and vi("There is no such published week, or that week did not assess these units.") in html
    )
    assert vi("This page does not exist, or it is outside your jurisdiction.") not in html
    assert 'href="/cap-do-dich/"' in html and 'class="menu' not in html
    assert "public" not in page.get("Cache-Control", "")
