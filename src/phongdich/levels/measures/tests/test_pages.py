"""The measures pages: the table in force and the versions, a new version by the province, and what is allowed in a
unit now. Expected words are looked up in the catalogue, so the tests hold in Vietnamese whatever it translates."""

from datetime import date

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from phongdich.levels.choices import Level
from phongdich.levels.measures.forms import MeasureRulesForm
from phongdich.levels.measures.services import where
from phongdich.levels.models import MeasureRules

from .world import grid_of, publish


def said(message: str) -> str:
    with translation.override("vi"):
        return escape(gettext(message))


def form_data(current: MeasureRules, **changes) -> dict:
    """What the new-version page posts when nothing is changed but `changes` (its date, document and name given)."""
    form = MeasureRulesForm(current=current)
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.widget.input_type == "checkbox":
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    data |= {
        "effective_from": "2021-11-15",
        "source_document": "Quyết định của UBND tỉnh Bình Dương về biện pháp theo cấp độ dịch (11/2021)",
        "document_date": "2021-11-12",
        "name": "Bình Dương điều chỉnh 11/2021",
    }
    return data | changes


@pytest.mark.parametrize(
    "persona", ["province_commander", "commune_officer", "analyst", "community_team", "health_worker"]
)
def test_everyone_who_sees_the_levels_reads_the_table_in_force_with_its_marks_to_verify(
    client_as, resolution_128, persona
):
    page = client_as(persona).get("/levels/measures/").content.decode()
    assert escape(resolution_128.name) in page and said("In force") in page
    assert page.count("<tr data-card-row>") == 14  # an activity a card on a phone
    # Each cell marked: markets, restaurants at 4, tourism at 3, and religion, public transport, meetings and
    # gatherings at every level.
    assert page.count('<small class="verify"') == 3 + 4 * 4
    assert said("(verify)") in page


def test_only_the_province_is_offered_a_new_version(client_as, resolution_128):
    assert "/levels/measures/new/" in client_as("province_commander").get("/levels/measures/").content.decode()
    assert "/levels/measures/new/" not in client_as("district_officer").get("/levels/measures/").content.decode()


def test_an_earlier_version_is_shown_from_the_list_with_a_way_back(client_as, pre_128, resolution_128):
    client = client_as("district_officer")
    page = client.get("/levels/measures/").content.decode()
    assert f"?version={pre_128.pk}" in page
    page = client.get(f"/levels/measures/?version={pre_128.pk}").content.decode()
    assert escape(pre_128.name) in page and said("This is not the version in force today.") in page
    assert page.count("<tr data-card-row>") == 14 and said("Every level") in page


def test_an_unknown_version_is_not_found(client_as, resolution_128):
    assert client_as("commune_officer").get("/levels/measures/?version=999999").status_code == 404


def test_the_unit_picker_lists_the_officers_units_and_opens_what_is_allowed_there(client_as, world, resolution_128):
    client = client_as("commune_officer")
    page = client.get("/levels/measures/").content.decode()
    lai_thieu = world.unit("25966")
    assert f'<option value="{lai_thieu.pk}">Phường Lái Thiêu</option>' in page
    assert "Phường Hiệp Thành" not in page
    response = client.get(f"/levels/measures/?unit={lai_thieu.pk}")
    assert response.status_code == 302 and response.url == f"/levels/measures/allowed/{lai_thieu.pk}/"


def test_the_new_version_form_starts_from_the_version_in_force(client_as, resolution_128):
    page = client_as("province_commander").get("/levels/measures/new/").content.decode()
    assert 'name="meetings-1-limit" value="100"' in page
    assert 'name="meetings-1-verify" id="id_meetings-1-verify" checked' in page
    assert (
        'name="markets-3-verify" id="id_markets-3-verify">' in page
        or 'name="markets-3-verify" id="id_markets-3-verify" >' in page
    )


@pytest.mark.parametrize("persona", ["district_officer", "analyst", "commune_officer", "district_admin"])
def test_no_one_below_the_province_opens_the_new_version_form(client_as, resolution_128, persona):
    assert client_as(persona).get("/levels/measures/new/").status_code == 403


def test_the_province_commander_saves_a_new_version_and_sees_it_in_force(client_as, resolution_128):
    client = client_as("province_commander")
    response = client.post(
        "/levels/measures/new/",
        form_data(resolution_128, **{"gatherings-3-limit": "15", "gatherings-3-verify": ""}),
    )
    assert response.status_code == 302 and response.url == "/levels/measures/"
    version = MeasureRules.objects.get(effective_from=date(2021, 11, 15))
    assert version.measures["gatherings"]["3"]["limit"] == 15
    assert "gatherings" not in version.verify and {"gatherings.1", "gatherings.2", "gatherings.4"} <= set(
        version.verify
    )
    assert version.measures["meetings"] == resolution_128.measures["meetings"]


def test_a_limited_cell_without_its_limit_comes_back_naming_the_activity_and_level(client_as, resolution_128):
    client = client_as("province_commander")
    page = client.post("/levels/measures/new/", form_data(resolution_128, **{"meetings-2-limit": ""})).content.decode()
    with translation.override("vi"):
        expected = escape(gettext("%(where)s: open with a limit needs the limit.") % {"where": where("meetings", "2")})
    assert expected in page
    assert MeasureRules.objects.count() == 2


def test_a_limit_that_is_not_a_number_is_shown_on_its_cell(client_as, resolution_128):
    page = (
        client_as("province_commander")
        .post("/levels/measures/new/", form_data(resolution_128, **{"religion-3-limit": "mười"}))
        .content.decode()
    )
    assert 'href="#id_religion-3-limit"' in page and MeasureRules.objects.count() == 2


def test_a_unit_without_a_published_level_is_told_so_and_shown_every_level(client_as, world, resolution_128):
    page = client_as("commune_officer").get(f"/levels/measures/allowed/{world.unit('25966').pk}/").content.decode()
    assert said("No level is published yet for this unit or the units above it.") in page
    assert page.count("<tr data-card-row>") == 14 and said("If the level changes") not in page


def test_a_unit_with_a_published_level_shows_it_since_when_and_what_changes_up_and_down(
    client_as, world, resolution_128
):
    lai_thieu = world.unit("25966")
    result = publish(lai_thieu, 2, days_ago=4)
    page = client_as("commune_officer").get(f"/levels/measures/allowed/{lai_thieu.pk}/").content.decode()
    with translation.override("vi"):
        level_2 = escape(str(Level(result.level).label))
    assert level_2 in page
    assert escape(resolution_128.name) in page
    assert page.count("<tr data-card-row>") == 14 and page.count('data-card="field"') == 14  # level 2 only
    assert page.count("<h3>") == 3  # up to 3, up to 4, down to 1
    assert said("Nothing changes.") not in page


def test_a_commune_officer_cannot_open_another_communes_unit(client_as, world, resolution_128):
    assert client_as("other_commune").get(f"/levels/measures/allowed/{world.unit('25966').pk}/").status_code == 404


def test_the_measures_page_costs_the_same_queries_with_more_versions(client_as, queries_do_not_grow, resolution_128):
    client = client_as("province_commander")

    def add_versions():
        for month in (11, 12):
            MeasureRules.objects.create(
                effective_from=date(2021, month, 1),
                source_document=f"Văn bản tháng {month}/2021",
                document_date=date(2021, month, 1),
                name=f"Điều chỉnh {month}/2021",
                measures=grid_of(resolution_128),
            )

    queries_do_not_grow(7, lambda: client.get("/levels/measures/"), add_versions)


def test_the_allowed_page_costs_the_same_queries_with_more_published_weeks(client_as, world, queries_do_not_grow):
    lai_thieu = world.unit("25966")
    publish(lai_thieu, 2, days_ago=3)
    client = client_as("commune_officer")

    def add_weeks():
        for days_ago in (10, 17, 24):
            publish(lai_thieu, 2, days_ago=days_ago)
        publish(world.unit("725"), 3, days_ago=3)

    queries_do_not_grow(8, lambda: client.get(f"/levels/measures/allowed/{lai_thieu.pk}/"), add_weeks)
