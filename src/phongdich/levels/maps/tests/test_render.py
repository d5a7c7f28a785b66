"""The map's drawing, without the database: one square per unit in blocks per district, colours by level, the
choropleth only when every unit has a boundary, an SVG that parses and a PNG of the expected size."""

import io
import xml.etree.ElementTree as ET
from datetime import date

from django.utils import translation
from PIL import Image

from phongdich.levels.choices import COLOURS, NO_LEVEL_COLOUR
from phongdich.places.choices import UnitLevel

from .. import render
from ..render import MapUnit

SVG = "{http://www.w3.org/2000/svg}"


def communes() -> list[MapUnit]:
    """Two districts of Bình Dương, listed out of order: Thủ Dầu Một (718) and Thuận An (725)."""
    return [
        MapUnit("25966", "Phường Lái Thiêu", 3, "725", "Thành phố Thuận An", "LT", href="/units/7/"),
        MapUnit("25741", "Phường Hiệp Thành", 1, "718", "Thành phố Thủ Dầu Một", "HT", href="/units/3/"),
        MapUnit("25987", "Phường An Phú", 4, "725", "Thành phố Thuận An", "AP"),
        MapUnit("25744", "Phường Phú Lợi", 2, "718", "Thành phố Thủ Dầu Một", "PL"),
        MapUnit("25963", "Phường An Thạnh", None, "725", "Thành phố Thuận An", "AT"),
    ]


def figure(units=None):
    layout = render.map_layout(units or communes())
    return render.compose(layout, title="Cấp độ dịch — Tỉnh Bình Dương", subtitle="Tuần 11/10/2021 – 17/10/2021")


def test_the_grid_has_one_square_per_unit_coloured_by_its_level():
    layout = render.tile_grid(communes())
    assert layout.kind == "grid" and len(layout.shapes) == 5
    fills = {shape.unit.code: shape.fill for shape in layout.shapes}
    assert fills == {
        "25966": COLOURS[3],
        "25741": COLOURS[1],
        "25987": COLOURS[4],
        "25744": COLOURS[2],
        "25963": NO_LEVEL_COLOUR,
    }
    sizes = {(shape.rect[2], shape.rect[3]) for shape in layout.shapes}
    assert sizes == {(render.BIG_SQUARE, render.BIG_SQUARE)}  # a few units: big squares
    assert layout.counts == {1: 1, 2: 1, 3: 1, 4: 1, None: 1}


def test_the_grid_puts_each_district_in_its_own_block_in_order_of_code_whatever_order_units_come_in():
    layout = render.tile_grid(communes())
    assert [shape.unit.code for shape in layout.shapes] == ["25741", "25744", "25963", "25966", "25987"]
    block_labels = [label.text for label in layout.labels if label.bold]
    assert block_labels == ["Thành phố Thủ Dầu Một", "Thành phố Thuận An"]
    first, second = layout.shapes[1].rect, layout.shapes[2].rect
    assert second[0] > first[0] + render.SQUARE  # the next district's block starts after a gap
    again = render.tile_grid(list(reversed(communes())))
    assert [shape.rect for shape in again.shapes] == [shape.rect for shape in layout.shapes]


def test_a_crowded_grid_uses_smaller_squares_and_wraps_blocks_within_the_width():
    groups = [
        MapUnit(f"{25900 + d}-{n:02d}", f"Khu phố {n}", 1 + n % 4, str(700 + d), f"Huyện {d}") for d in range(9)
        for n in range(60)
    ]  # fmt: skip
    layout = render.tile_grid(groups, unit_level=UnitLevel.GROUP)
    assert len(layout.shapes) == 540 and {shape.rect[2] for shape in layout.shapes} == {render.SMALL_SQUARE}
    assert layout.width <= render.MAP_WIDTH and max(shape.rect[0] + shape.rect[2] for shape in layout.shapes) <= 760


def test_a_square_names_its_unit_in_a_few_letters_and_never_in_a_bare_number_a_reader_would_take_for_a_level():
    assert render.short_name("Phường Lái Thiêu", "phường") == "LT"
    assert render.short_name("Thị trấn Dầu Tiếng", "thị trấn") == "DT"
    assert render.short_name("Xã An Tây") == "XAT"
    assert render.short_name("Khu phố 12", "khu phố") == "KP12"
    assert render.short_name("Ấp 3", "ấp") == "Ấp3"
    assert render.short_name("Phường 1", "phường") == "P1"
    assert render.short_name("Tổ dân phố 5") == "TDP5"


def test_units_that_share_letters_in_a_district_are_told_apart_the_same_way_whatever_order_they_come_in():
    thu_dau_mot = [
        MapUnit("25753", "Phường Phú Thọ", 1, "718", "Thành phố Thủ Dầu Một", "PT"),
        MapUnit("25763", "Phường Phú Tân", 1, "718", "Thành phố Thủ Dầu Một", "PT"),
        MapUnit("25741", "Phường Hiệp Thành", 1, "718", "Thành phố Thủ Dầu Một", "HT"),
    ]
    assert render.distinct_shorts(thu_dau_mot) == {"25753": "PTh", "25763": "PTâ", "25741": "HT"}
    tan_uyen = [
        MapUnit("25920", "Phường Tân Hiệp", 1, "723", "Thành phố Tân Uyên", "TH"),
        MapUnit("25937", "Xã Thạnh Hội", 1, "723", "Thành phố Tân Uyên", "TH"),
        MapUnit("25939", "Phường Thái Hòa", 1, "723", "Thành phố Tân Uyên", "TH"),
        MapUnit("25940", "Phường Tân Hòa", 1, "723", "Thành phố Tân Uyên", "TH"),
    ]
    letters = render.distinct_shorts(tan_uyen)
    assert len(set(letters.values())) == 4 and letters["25920"] == "THi" and letters["25939"] == "THò"
    assert letters["25940"] == "THò2"  # still alike: a digit after letters, in order of code
    assert render.distinct_shorts(list(reversed(tan_uyen))) == letters
    numbered = [MapUnit(f"25966-0{n}", "Khu phố 1", 1, "725", "Thuận An", "LT1") for n in (1, 2)]
    assert render.distinct_shorts(numbered) == {"25966-01": "LT1", "25966-02": "LT1b"}  # a letter after a number


def test_the_grid_never_shows_the_same_letters_twice_in_a_district():
    units = [
        MapUnit(code, name, 2, "718", "Thành phố Thủ Dầu Một", render.short_name(name, "phường"))
        for code, name in [("25753", "Phường Phú Thọ"), ("25763", "Phường Phú Tân"), ("25762", "Phường Phú Mỹ")]
    ]
    texts = [label.text for label in render.tile_grid(units).labels if not label.bold]
    assert sorted(texts) == ["PM", "PTh", "PTâ"]


def test_a_few_units_get_bounded_squares_from_the_left_edge_in_the_page_and_in_the_file():
    districts = [MapUnit(str(code), f"Huyện {code}", 4, "74", "Tỉnh Bình Dương", "H") for code in range(718, 727)]
    layout = render.tile_grid(districts, unit_level=UnitLevel.DISTRICT)
    assert {shape.rect[2] for shape in layout.shapes} == {render.BIG_SQUARE}
    assert min(shape.rect[0] for shape in layout.shapes) == 0
    root = ET.fromstring(render.to_inline_svg(layout, title="Cấp độ dịch"))
    # The view box is the map's full width whatever the units: a page scales nine squares as it scales ninety.
    assert root.get("width") == "100%" and root.get("viewBox").split()[2] == str(render.MAP_WIDTH + 4)
    title = next(label for label in layout.labels if label.bold)
    assert title.size == 11 and title.x == 0
    drawn = render.compose(layout, title="Cấp độ dịch", subtitle="Tuần 11/10/2021 – 17/10/2021")
    assert drawn.map_x == render.MARGIN  # under the title, not pushed to the middle


def test_a_phone_map_fills_the_phone_at_a_bounded_scale_and_a_choropleth_is_centred():
    layout = render.tile_grid(communes(), width=render.NARROW_WIDTH)
    assert layout.width < render.NARROW_VIEW
    root = ET.fromstring(render.to_inline_svg(layout, title="T", width=render.NARROW_VIEW))
    assert root.get("width") == "100%" and root.get("viewBox").split()[2] == str(render.NARROW_VIEW + 4)
    tall = {"type": "Polygon", "coordinates": [[[106.6, 10.9], [106.7, 10.9], [106.7, 11.3], [106.6, 11.3]]]}
    choropleth = render.choropleth([MapUnit("1", "Dài", 1, geometry=tall)])
    left, _top, width, _height = (
        float(n) for n in ET.fromstring(render.to_inline_svg(choropleth, title="T")).get("viewBox").split()
    )
    assert width == render.MAP_WIDTH + 4 and round(-left - 2) == round((render.MAP_WIDTH - choropleth.width) / 2)


def test_the_file_says_when_the_levels_apply_and_who_published_them():
    details = ["Áp dụng từ 26/10/2021 00:00.", "Tỉnh Bình Dương công bố ngày 25/10/2021 18:00."]
    drawn = render.compose(render.tile_grid(communes()), title="Cấp độ dịch", subtitle="Tuần", details=details)
    texts = [text.text for text in ET.fromstring(render.to_svg(drawn).encode()).iter(f"{SVG}text")]
    assert details[0] in texts and details[1] in texts
    assert max(text.y for text in drawn.texts if text.text in details) < drawn.map_y  # above the map


def test_the_svg_parses_and_names_each_unit_with_its_level_and_the_week():
    with translation.override("en"):
        svg = render.to_svg(figure())
    root = ET.fromstring(svg.encode())
    assert root.tag == f"{SVG}svg" and root.get("data-kind") == "grid"
    rects = [rect for rect in root.iter(f"{SVG}rect") if rect.get("data-code")]
    assert len(rects) == 5
    lai_thieu = next(rect for rect in rects if rect.get("data-code") == "25966")
    assert lai_thieu.get("fill") == COLOURS[3]
    assert lai_thieu.find(f"{SVG}title").text == "Phường Lái Thiêu: Level 3 – high"
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "Tuần 11/10/2021 – 17/10/2021" in texts and "Cấp độ dịch — Tỉnh Bình Dương" in texts
    assert any(text.startswith("Not assessed / no population: 1") for text in texts)
    assert "not to geographic scale" in " ".join(texts)
    assert not list(root.iter(f"{SVG}a"))  # the standalone file links nowhere


def test_the_in_platform_svg_is_the_map_alone_and_links_each_unit_to_its_page():
    layout = render.tile_grid(communes())
    root = ET.fromstring(render.to_inline_svg(layout, title="Cấp độ dịch", links=True))
    links = [link.get("href") for link in root.iter(f"{SVG}a")]
    assert links == ["/units/3/", "/units/7/"]  # the units that have a page, in the grid's order
    assert root.get("width") == "100%" and root.find(f"{SVG}title").text == "Cấp độ dịch"
    assert len([rect for rect in root.iter(f"{SVG}rect") if rect.get("data-code")]) == 5  # no legend's swatches


def test_a_grid_for_a_phone_puts_two_districts_a_row():
    units = [MapUnit(f"{d}{n:02d}", f"Xã {n}", 1, str(d), f"Huyện {d}") for d in range(700, 709) for n in range(10)]
    layout = render.tile_grid(units, width=render.NARROW_WIDTH)
    tops = sorted({label.y for label in layout.labels if label.bold})
    assert layout.width <= render.NARROW_WIDTH and len(tops) == 5  # nine districts, two a row


def test_the_week_reads_from_monday_to_sunday():
    with translation.override("en"):
        assert render.week_label(date(2021, 10, 11)) == "Week 11/10/2021 – 17/10/2021"


def test_the_png_decodes_to_the_expected_size():
    drawn = figure()
    image = Image.open(io.BytesIO(render.to_png(drawn)))
    assert image.format == "PNG" and image.size == render.png_size(drawn)
    assert image.size == (drawn.width * render.PNG_SCALE, drawn.height * render.PNG_SCALE)
    x, y, w, h = drawn.layout.shapes[0].rect
    centre = ((drawn.map_x + x + w / 2) * 2, (drawn.map_y + y + h / 2) * 2)
    assert image.getpixel(centre) == (0x2E, 0x7D, 0x32)  # Hiệp Thành at level 1, green


def test_a_large_png_stays_within_its_bounds():
    groups = [MapUnit(f"{n:05d}", f"Khu phố {n}", 1 + n % 4, str(n // 80), f"Xã {n // 80}") for n in range(3000)]
    drawn = figure(groups)
    width, height = Image.open(io.BytesIO(render.to_png(drawn))).size
    assert max(width, height) <= render.PNG_MAX_SIDE and (width, height) == render.png_size(drawn)


def test_the_choropleth_is_chosen_only_when_every_unit_has_a_boundary():
    square = {"type": "Polygon", "coordinates": [[[106.6, 10.9], [106.7, 10.9], [106.7, 11.0], [106.6, 11.0]]]}
    with_boundaries = [
        MapUnit(u.code, u.name, u.level, u.block_code, u.block_name, geometry=square) for u in communes()
    ]
    assert render.map_layout(with_boundaries).kind == "choropleth"
    one_missing = [*with_boundaries[:-1], communes()[-1]]
    assert render.map_layout(one_missing).kind == "grid"
    assert render.map_layout([]).kind == "grid"


def test_the_choropleth_scales_longitude_by_the_cosine_of_the_latitude_and_simplifies_boundaries():
    # A square degree at 60° north is drawn half as wide as it is high.
    north = {"type": "Polygon", "coordinates": [[[10, 59.5], [11, 59.5], [11, 60.5], [10, 60.5], [10, 59.5]]]}
    layout = render.choropleth([MapUnit("1", "Bắc", 1, geometry=north)], max_height=400)
    assert round(layout.height) == 400 and abs(layout.width - 200) < 2
    # A boundary of 2,000 points along the sides of a square keeps little more than its four corners.
    side = [[106.6 + i / 500 * 0.1, 10.9] for i in range(500)]
    ring = [*side, *[[106.7, 10.9 + i / 500 * 0.1] for i in range(500)]]
    ring += [[106.7 - i / 500 * 0.1, 11.0] for i in range(500)] + [[106.6, 11.0 - i / 500 * 0.1] for i in range(501)]
    detailed = {"type": "MultiPolygon", "coordinates": [[ring]]}
    shape = render.choropleth([MapUnit("2", "Vuông", 2, geometry=detailed)]).shapes[0]
    assert len(shape.rings) == 1 and len(shape.rings[0]) <= 8
    svg = render.to_svg(
        render.compose(render.choropleth([MapUnit("2", "Vuông", 2, geometry=detailed)]), title="T", subtitle="S")
    )
    path = ET.fromstring(svg.encode()).find(f".//{SVG}path")
    assert path.get("fill") == COLOURS[2] and path.get("d").startswith("M") and path.get("d").endswith("Z")


def test_the_png_of_a_choropleth_paints_its_areas():
    boundary = {"type": "Polygon", "coordinates": [[[106.6, 10.9], [106.7, 10.9], [106.7, 11.0], [106.6, 11.0]]]}
    drawn = render.compose(
        render.choropleth([MapUnit("1", "Lái Thiêu", 4, geometry=boundary)]), title="T", subtitle="S"
    )
    image = Image.open(io.BytesIO(render.to_png(drawn)))
    centre = ((drawn.map_x + drawn.layout.width / 2) * 2, (drawn.map_y + drawn.layout.height / 2) * 2)
    assert image.getpixel(centre) == (0xC6, 0x28, 0x28)
