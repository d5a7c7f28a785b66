"""The level map in the platform: who may open it, the week and depth chosen, the legend, the units at level 3–4,
the choropleth once every commune has a boundary, and its cost in queries."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.core.cache import cache

from phongdich.core import clock
from phongdich.levels.choices import COLOURS, AssessmentStatus
from phongdich.places.models import AdminUnit

from .world import AN_PHU, HIEP_THANH, LAI_THIEU, NEXT_WEEK, WEEK, boundaries_for_every_commune, published, vi

pytestmark = pytest.mark.django_db

SEES_LEVELS = {
    "province_commander": 200,
    "district_officer": 200,
    "commune_officer": 200,
    "other_commune": 200,
    "community_team": 200,
    "health_worker": 200,
    "analyst": 200,
    "system_admin": 200,
    "analyst_commune": 200,
    "district_admin": 200,
    "commander_commune": 200,
    "outsider": 403,
    "enterprise_rep": 403,
    "lab_technician": 403,
}


def svg_of(html: str) -> ET.Element:
    start, end = html.index("<svg xmlns"), html.index("</svg>", html.index("<svg xmlns")) + len("</svg>")
    return ET.fromstring(html[start:end])


def squares(root: ET.Element) -> dict[str, str]:
    return {element.get("data-code"): element.get("fill") for element in root.iter() if element.get("data-code")}


def test_each_persona_opens_the_map_as_their_role_allows_and_a_post_is_refused(client, world):
    published(levels={LAI_THIEU: 3})
    for persona, status in SEES_LEVELS.items():
        client.force_login(world.user(persona))
        assert client.get("/levels/map/").status_code == status, persona
        assert client.post("/levels/map/").status_code == (405 if status == 200 else status), persona


def test_the_map_shows_the_latest_published_week_of_the_whole_province_by_commune(client_as):
    published(WEEK, {LAI_THIEU: 4})
    published(NEXT_WEEK, {LAI_THIEU: 3, AN_PHU: 4, HIEP_THANH: 2})
    published(date_after := NEXT_WEEK.replace(day=25), {LAI_THIEU: 1}, status=AssessmentStatus.PROPOSED)
    html = client_as("commune_officer").get("/levels/map/").content.decode()
    shown = squares(svg_of(html))
    assert len(shown) == AdminUnit.objects.filter(depth=2).count()  # every commune, not only the officer's
    assert shown[LAI_THIEU] == COLOURS[3] and shown[AN_PHU] == COLOURS[4] and shown[HIEP_THANH] == COLOURS[2]
    assert "18/10/2021" in html and date_after.strftime("%d/%m/%Y") not in html  # a proposal is not on the map
    assert 'type="range"' in html and 'max="1"' in html and 'value="1"' in html  # two published weeks
    lai_thieu = AdminUnit.objects.get(code=LAI_THIEU).pk
    assert f'href="/levels/measures/allowed/{lai_thieu}/"' in html  # each unit links to what is allowed there


def test_the_slider_or_the_week_choose_an_earlier_week(client_as):
    published(WEEK, {LAI_THIEU: 4})
    published(NEXT_WEEK, {LAI_THIEU: 2})
    client = client_as("district_officer")
    for query in ("w=0", "week=2021-10-11"):
        html = client.get(f"/levels/map/?{query}").content.decode()
        assert squares(svg_of(html))[LAI_THIEU] == COLOURS[4], query
    assert 'rel="next"' in html and "week=2021-10-18" in html


@pytest.mark.parametrize(
    "query", ["week=2021-10-12", "week=2021-13-01", "week=hôm-nay", "w=2", "w=-1", "w=abc", "depth=0", "depth=7"]
)
def test_a_week_or_depth_that_was_not_published_answers_404(client_as, query):
    published(WEEK)
    assert client_as("province_commander").get(f"/levels/map/?{query}").status_code == 404


def test_the_legend_counts_each_level_and_the_page_lists_the_units_at_level_3_or_4(client_as):
    published(WEEK, {LAI_THIEU: 3, AN_PHU: 4}, no_population=(HIEP_THANH,))
    html = client_as("province_commander").get("/levels/map/").content.decode()
    communes = AdminUnit.objects.filter(depth=2).count()
    legend = html[html.index("level-legend") : html.index("</ul>", html.index("level-legend"))]
    assert [int(n) for n in re.findall(r"<strong>(\d+)</strong>", legend)] == [communes - 3, 0, 1, 1, 1]
    high = html[html.index('id="map-high"') :]
    assert high.index("Phường An Phú") < high.index("Phường Lái Thiêu")  # level 4 first
    assert "Phường Hiệp Thành" not in high


def test_the_map_offers_districts_and_residential_groups_where_they_were_assessed(client_as):
    published(WEEK, {"725": 4, "25966-01": 3}, groups=True)
    client = client_as("province_commander")
    html = client.get("/levels/map/").content.decode()
    assert '<option value="1"' in html and '<option value="3"' in html and '<option value="2" selected' in html
    districts = squares(svg_of(client.get("/levels/map/?depth=1").content.decode()))
    assert len(districts) == 9 and districts["725"] == COLOURS[4]
    groups = squares(svg_of(client.get("/levels/map/?depth=3").content.decode()))
    assert groups["25966-01"] == COLOURS[3] and len(groups) == AdminUnit.objects.filter(depth=3).count()


def test_the_map_is_a_choropleth_once_every_commune_has_a_boundary(client_as):
    published(WEEK, {LAI_THIEU: 4})
    client = client_as("province_commander")
    assert svg_of(client.get("/levels/map/").content.decode()).get("data-kind") == "grid"
    boundaries_for_every_commune()
    cache.clear()
    root = svg_of(client.get("/levels/map/").content.decode())
    assert root.get("data-kind") == "choropleth" and squares(root)[LAI_THIEU] == COLOURS[4]
    AdminUnit.objects.filter(code=HIEP_THANH).update(geometry=None)
    cache.clear()
    assert svg_of(client.get("/levels/map/").content.decode()).get("data-kind") == "grid"


def test_no_week_published_yet_says_so(client_as):
    published(WEEK, status=AssessmentStatus.PROPOSED)
    page = client_as("province_commander").get("/levels/map/")
    assert page.status_code == 200 and "<svg xmlns" not in page.content.decode()


def test_the_map_costs_the_same_queries_for_more_units_and_weeks(client_as, queries_do_not_grow):
    published(WEEK, {LAI_THIEU: 3}, groups=True)
    client = client_as("province_commander")

    def fetch():
        cache.clear()  # drawn afresh each time: the drawing's queries are counted too
        return client.get("/levels/map/?depth=3")

    def more():
        published(WEEK.replace(day=4), {LAI_THIEU: 4})
        published(NEXT_WEEK, {LAI_THIEU: 4}, groups=True)
        AdminUnit.objects.bulk_create(
            [
                AdminUnit(
                    structure="legacy",
                    code=f"{LAI_THIEU}-{n:02d}",
                    name=f"Khu phố {n}",
                    level="group",
                    parent=AdminUnit.objects.get(code=LAI_THIEU),
                    path=f"legacy:74/725/{LAI_THIEU}/{LAI_THIEU}-{n:02d}/",
                    depth=3,
                )
                for n in range(3, 9)
            ]
        )

    before, after = queries_do_not_grow(12, fetch, more)
    assert before.status_code == after.status_code == 200
    assert len([code for code in squares(svg_of(after.content.decode())) if code.startswith("25966-")]) == 8


def test_a_drawn_map_is_served_from_the_cache(client_as, django_assert_max_num_queries):
    published(WEEK, {LAI_THIEU: 3})
    client = client_as("province_commander")
    client.get("/levels/map/")
    with django_assert_max_num_queries(5):  # the session, the user, the roles, the weeks: not the units
        assert client.get("/levels/map/").status_code == 200


def test_the_districts_are_drawn_with_bounded_squares_from_the_left_in_the_page_and_the_file(client_as):
    published(WEEK, {"725": 4})
    html = client_as("province_commander").get("/levels/map/?depth=1").content.decode()
    root = svg_of(html)
    # As wide a view box as the communes' map: nine districts are not blown up to the page's width.
    assert root.get("width") == "100%" and root.get("viewBox").split()[:3] == ["-2", "-2", "764"]
    rects = [element for element in root.iter() if element.get("data-code")]
    assert {element.get("width") for element in rects} == {"40"} and min(float(r.get("x")) for r in rects) == 0
    assert all(float(text.get("font-size")) <= 16 for text in root.iter("{http://www.w3.org/2000/svg}text"))
    image = ET.fromstring(client_as("province_commander").get("/cap-do-dich/ban-do.svg?depth=1").content)
    squares_x = [float(r.get("x")) for r in image.iter() if r.get("data-code")]
    group = next(g for g in image.iter("{http://www.w3.org/2000/svg}g"))
    assert min(squares_x) == 0 and group.get("transform").startswith("translate(16 ")  # under the title


def test_residential_groups_are_named_with_their_commune_and_no_square_reads_as_a_bare_number(client_as):
    published(WEEK, {"25966-01": 3, "25966-02": 4}, groups=True)
    html = client_as("province_commander").get("/levels/map/?depth=3").content.decode()
    texts = [text.text for text in svg_of(html).iter("{http://www.w3.org/2000/svg}text")]
    assert not [text for text in texts if text.isdigit()] and "LT1" in texts and "LT2" in texts
    titles = [title.text for title in svg_of(html).iter("{http://www.w3.org/2000/svg}title")]
    assert any(title.startswith("Khu phố 1, Phường Lái Thiêu:") for title in titles)
    high = html[html.index('id="map-high"') :]
    assert "Khu phố 2, Phường Lái Thiêu" in high and "Khu phố 1, Phường Lái Thiêu" in high


def test_no_two_squares_of_a_district_carry_the_same_letters(client_as):
    published(WEEK)
    root = svg_of(client_as("province_commander").get("/levels/map/").content.decode())
    blocks: dict[str, list[str]] = {}
    label = ""
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        if text.get("font-weight") == "bold":
            label = text.text
        else:
            blocks.setdefault(label, []).append(text.text)
    assert blocks and all(len(set(letters)) == len(letters) for letters in blocks.values())


def test_levels_published_but_not_yet_in_effect_are_said_to_be_so(client_as):
    published(WEEK, {LAI_THIEU: 4})
    clock.use(date(2021, 10, 18))  # published the Monday at 18:00, in effect from the Tuesday
    html = client_as("province_commander").get("/levels/map/").content.decode()
    notice = html[html.index('class="not-yet"') :].split("</p>")[0]
    assert vi("Not yet in effect:") in notice and "19/10/2021 00:00" in notice
    clock.use(date(2021, 10, 20))
    cache.clear()
    assert 'class="not-yet"' not in client_as("province_commander").get("/levels/map/").content.decode()


def test_raised_levels_that_take_effect_later_are_flagged_until_they_do(client_as):
    assessment = published(WEEK, {LAI_THIEU: 4})
    later = assessment.effective_at + timedelta(days=1)
    assessment.results.filter(unit__code=LAI_THIEU).update(effective_at=later)
    clock.use(date(2021, 10, 19))  # the week is in effect, Lái Thiêu's raise not yet
    html = client_as("province_commander").get("/levels/map/").content.decode()
    assert vi("In effect from %(at)s.", at="19/10/2021 00:00") in html
    notice = html[html.index('class="not-yet"') :].split("</p>")[0]
    assert "20/10/2021 00:00" in notice
    row = html[html.index("Phường Lái Thiêu</a>") :].split("</tr>")[0]
    assert vi("not yet in effect") in row and "20/10/2021 00:00" in row


def test_the_slider_lists_every_published_week_by_its_dates(client_as):
    published(WEEK)
    published(NEXT_WEEK)
    html = client_as("province_commander").get("/levels/map/?w=0").content.decode()
    form = html.split("level-map-form")[1].split("</form>")[0]
    assert "<output" in form and "11/10/2021 – 17/10/2021</strong>" in form
    assert 'href="?week=2021-10-18&amp;depth=2"' in form and 'href="?week=2021-10-11&amp;depth=2" aria-current' in form
