"""Reading a directive's points and recipients from its text, on the five seed documents as they are."""

import pytest

from phongdich.demo.command_directives import DIRECTIVES, seed_text

from ..parsing import directive_points_parse, directive_recipients_parse, paragraphs


def numbers(key: str) -> list[str]:
    return [number for number, _text in directive_points_parse(seed_text(DIRECTIVES[key].file))]


def test_the_binh_duong_directive_has_its_nine_points():
    assert numbers("000") == [str(n) for n in range(1, 10)]


def test_a_point_keeps_its_bullets_and_ends_before_the_closing_sentence():
    points = dict(directive_points_parse(seed_text(DIRECTIVES["000"].file)))
    assert "- Cấp xã: Chậm nhất đến ngày 30/9/2021" in points["4"]
    assert "- Về tài chính:" in points["4"]
    assert points["9"].endswith("từ tỉnh đến cơ sở.")
    assert "Nơi nhận" not in points["9"] and "phổ biến, quán triệt" not in points["9"]


def test_the_emphasis_marks_of_the_converted_text_are_dropped():
    points = dict(directive_points_parse(seed_text(DIRECTIVES["000"].file)))
    assert "“chống dịch như chống giặc”" in points["1"]
    assert "*" not in "".join(points.values())


def test_sections_number_their_points_inside_them():
    assert numbers("002") == ["I", "II", "II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "II.7"]


def test_sub_points_written_in_brackets_follow_their_point():
    assert numbers("003") == ["1", "2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3", "4", "5"]


def test_a_sentence_broken_at_a_page_end_is_joined_back():
    points = dict(directive_points_parse(seed_text(DIRECTIVES["001"].file)))
    assert "nhất là tổ chức đảng, đảng viên ở cơ sở" in points["3"]
    points = dict(directive_points_parse(seed_text(DIRECTIVES["003"].file)))
    assert "lập các chốt kiểm soát y tế" in points["2.2"]


def test_a_letter_sent_with_a_greeting_list_has_its_points_and_the_copy_s_recipients():
    assert numbers("001") == ["1", "2", "3", "4", "5", "6"]
    assert directive_recipients_parse(seed_text(DIRECTIVES["001"].file)).splitlines()[0] == "Ban Thường vụ ĐUK,"


def test_bold_points_are_read_like_the_others():
    assert numbers("004") == [str(n) for n in range(1, 9)]


def test_the_recipients_are_read_one_a_line_without_their_bullets():
    recipients = directive_recipients_parse(seed_text(DIRECTIVES["003"].file)).splitlines()
    assert recipients[0] == "Ban Bí thư Trung ương (để báo cáo),"
    assert "MTTQ và các tổ chức chính trị - xã hội, các sở, ban, ngành," in recipients
    assert recipients[-1] == "Lưu VPTU, TH7."


def test_lettered_sub_points_are_numbered_under_their_point():
    text = "Mở đầu.\n\n1. Thứ nhất.\n\n2. Thứ hai:\n\na) Ý a;\n\nb) Ý b.\n\n3. Thứ ba.\n\nNơi nhận:\n- Lưu."
    assert directive_points_parse(text) == [
        ("1", "Thứ nhất."),
        ("2", "Thứ hai:"),
        ("2.a", "Ý a;"),
        ("2.b", "Ý b."),
        ("3", "Thứ ba."),
    ]


@pytest.mark.parametrize("stray", ["5. Năm", "1. Lại một"])
def test_a_number_out_of_sequence_stays_in_the_point_it_is_in(stray):
    points = directive_points_parse(f"1. Một.\n\n{stray}\n\n2. Hai.")
    assert [number for number, _text in points] == ["1", "2"]
    assert stray in points[0][1]


def test_a_text_without_numbered_points_gives_none():
    assert directive_points_parse("Kính gửi các đơn vị.\n\nĐề nghị thực hiện nghiêm.") == []
    assert directive_points_parse("") == []


def test_paragraphs_of_several_lines_are_read_as_one():
    assert paragraphs("CHỈ THỊ\nvề việc\n\nMột đoạn.") == ["CHỈ THỊ về việc", "Một đoạn."]
