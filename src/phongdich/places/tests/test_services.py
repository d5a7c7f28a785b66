import json

import pytest
from django.core import signing

from phongdich.places.choices import PopulationSource, Structure, UnitLevel
from phongdich.places.models import AdminUnit, Population, Venue
from phongdich.places.services import geometry_import, population_import, population_rollup, units_load

HEADER = "code,total,age_18_plus,age_65_plus,age_12_17,age_5_11\n"


def test_binh_duong_legacy_units_form_a_province_district_commune_tree(world):
    province = world.unit("74")
    assert province.name == "Tỉnh Bình Dương" and province.level == UnitLevel.PROVINCE
    assert province.children.count() == 9
    lai_thieu = world.unit("25966")
    assert lai_thieu.name == "Phường Lái Thiêu"
    assert lai_thieu.path == "legacy:74/725/25966/"
    assert [a.code for a in lai_thieu.ancestors()] == ["74", "725"]
    assert AdminUnit.objects.filter(path__startswith=province.path, level=UnitLevel.COMMUNE).count() == 91


def test_loading_units_again_changes_nothing(world):
    report = units_load(actor="test", province_code=74, structure=Structure.LEGACY)
    assert (report.created, report.unchanged) == (0, 101)


def test_the_2025_structure_has_no_district_level(world):
    report = units_load(actor="test", province_code=79, structure=Structure.REFORM_2025)
    hcmc = AdminUnit.objects.get(structure=Structure.REFORM_2025, code="79")
    assert report.created == 1 + hcmc.children.count()
    assert set(hcmc.children.values_list("level", flat=True)) == {UnitLevel.COMMUNE}
    assert hcmc.children.count() > 100


def test_an_unknown_province_code_is_refused(world):
    with pytest.raises(ValueError):
        units_load(actor="test", province_code=3, structure=Structure.LEGACY)


def test_residential_groups_hang_below_their_commune(world):
    group = world.unit("25966-01")
    assert group.level == UnitLevel.GROUP and group.parent == world.unit("25966")
    assert group.path == "legacy:74/725/25966/25966-01/"


def test_imported_populations_sum_up_the_tree(world):
    csv = HEADER + "25966-01,1200,900,100,120,150\n25966-02,800,600,50,80,90\n25963,5000,3500,300,600,700\n"
    report = population_import(actor="test", source=csv.encode(), year=2021)
    assert report.ok, report.errors
    commune = Population.objects.get(unit=world.unit("25966"), year=2021)
    assert (commune.total, commune.age_65_plus, commune.source) == (2000, 150, PopulationSource.SUMMED)
    district = Population.objects.get(unit=world.unit("725"), year=2021)
    assert district.total == 7000 and district.age_5_11 == 940
    assert Population.objects.get(unit=world.unit("74"), year=2021).total == 7000


def test_an_imported_figure_for_a_higher_unit_wins_over_the_sum(world):
    csv = HEADER + "25966-01,1200,900,100,120,150\n25966,3000,2000,200,300,400\n"
    population_import(actor="test", source=csv.encode(), year=2021)
    assert Population.objects.get(unit=world.unit("725"), year=2021).total == 3000


def test_a_malformed_population_file_reports_every_bad_cell_and_writes_nothing(world):
    csv = (
        HEADER + "25966-01,1200,900,100,120,150\n99999,10,5,1,1,1\n25966-02,abc,600,50,80,90\n"
        "25963,100,200,10,10,10\n25966-01,1,1,0,0,0\n"
    )
    report = population_import(actor="test", source=csv.encode(), year=2021)
    assert [(e.line, e.column) for e in report.errors] == [
        (3, "code"),
        (4, "total"),
        (5, "age_18_plus"),
        (5, "total"),
        (6, "code"),
    ]
    assert str(report.errors[0]) == "dòng 3, cột code: Không có đơn vị mã '99999'."
    assert not Population.objects.filter(year=2021).exists()


def test_a_population_file_missing_columns_or_not_utf8_is_refused_whole(world):
    missing = population_import(actor="test", source=b"code,total\n25966,1\n", year=2021)
    assert "thiếu cột age_18_plus" in missing.errors[0].message
    latin1 = population_import(actor="test", source=(HEADER + "25966,1,1,0,0,0,Hà\n").encode("cp1258"), year=2021)
    assert "không phải văn bản UTF-8" in latin1.errors[0].message


def test_rollup_is_repeatable(world):
    population_import(actor="test", source=(HEADER + "25966-01,10,8,1,1,1\n").encode(), year=2021)
    first = sorted(Population.objects.filter(year=2021).values_list("unit_id", "total"))
    population_rollup(year=2021)
    assert sorted(Population.objects.filter(year=2021).values_list("unit_id", "total")) == first


def test_geojson_polygons_attach_to_units_with_a_centroid(world):
    square = {
        "type": "Polygon",
        "coordinates": [[[106.6, 10.9], [106.8, 10.9], [106.8, 11.1], [106.6, 11.1], [106.6, 10.9]]],
    }
    collection = {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": {"code": "25966"}, "geometry": square}],
    }
    report = geometry_import(actor="test", source=json.dumps(collection).encode())
    assert report.ok
    unit = world.unit("25966")
    assert (float(unit.longitude), float(unit.latitude)) == pytest.approx((106.7, 11.0))


def test_a_geojson_feature_with_an_unknown_code_is_reported_by_its_number(world):
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": "nope"}, "geometry": {"type": "Point", "coordinates": [1, 2]}}
        ],
    }
    report = geometry_import(actor="test", source=json.dumps(collection).encode())
    assert report.errors[0].line == 1 and "không có đơn vị mã 'nope'" in report.errors[0].message


def test_a_venue_qr_token_is_signed_and_carries_no_personal_data(world):
    venue = world.venue("Chợ Lái Thiêu")
    token = venue.qr_token
    assert "Lái" not in token and "Chợ" not in token
    assert Venue.from_token(token) == venue
    forged = venue.key + ":" + "A" * 27
    with pytest.raises(signing.BadSignature):
        Venue.from_token(forged)
    with pytest.raises(Venue.DoesNotExist):
        Venue.from_token(signing.Signer(salt="phongdich.places.venue").sign("unknown-key"))


def test_the_population_command_reports_line_and_column_and_fails(world, tmp_path, capsys):
    from django.core.management import CommandError, call_command

    bad = tmp_path / "population.csv"
    bad.write_text(HEADER + "25966-01,1200,900,100,120,150\n25966-02,800,-5,50,80,90\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("places", "import-population", str(bad), "--year", "2021")
    assert "dòng 3, cột age_18_plus" in capsys.readouterr().err
    assert not Population.objects.filter(year=2021).exists()


def test_the_load_command_loads_a_province_by_its_gso_code(world, capsys):
    from django.core.management import call_command

    call_command("places", "load", "--province", "74", "--structure", "legacy")
    assert "unchanged 101" in capsys.readouterr().out
