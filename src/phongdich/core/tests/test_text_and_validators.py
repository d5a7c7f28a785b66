import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from phongdich.core.text import clean_name, fold, search_keys
from phongdich.core.validators import cccd_for, normalize_id_number, normalize_phone


def test_folding_removes_vietnamese_marks_and_case():
    assert fold("  Nguyễn Thị  Hằng ") == "nguyen thi hang"
    assert fold("ĐẶNG VĂN ĐỨC") == "dang van duc"
    assert fold("Phường Bình Chuẩn") == "phuong binh chuan"


def test_names_typed_in_decomposed_unicode_are_stored_composed():
    decomposed = "Nguye\u0302\u0303n"
    assert clean_name(decomposed) == "Nguyễn"


def test_a_name_is_searchable_from_each_of_its_words():
    assert search_keys("nguyen thi hang") == ["nguyen thi hang", "thi hang", "hang"]
    assert search_keys("hang") == ["hang"]
    assert search_keys("") == []


def test_a_form_starting_with_a_repeated_word_is_not_kept_twice():
    assert search_keys("le thi le") == ["le thi le", "thi le"]


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậ ÀÁĐỨỪ", max_size=40))
def test_folded_text_is_plain_ascii_for_vietnamese_letters(text):
    assert fold(text).isascii()


def test_a_well_formed_cccd_is_accepted_with_spaces_removed():
    assert normalize_id_number("074 186 123 456", birth_year=1986, sex="female") == "074186123456"


def test_an_old_nine_digit_cmnd_is_accepted():
    assert normalize_id_number("280123456") == "280123456"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("07418612345", "id_length"),
        ("07418612345X", "id_not_digits"),
        ("999186123456", "id_province"),
    ],
)
def test_malformed_id_numbers_are_rejected_with_a_specific_reason(value, code):
    with pytest.raises(ValidationError) as error:
        normalize_id_number(value)
    assert error.value.code == code


def test_a_cccd_whose_birth_year_disagrees_with_the_person_is_rejected():
    with pytest.raises(ValidationError) as error:
        normalize_id_number("074186123456", birth_year=1990)
    assert error.value.code == "id_birth_year"


def test_a_cccd_encoding_the_other_sex_is_rejected():
    with pytest.raises(ValidationError) as error:
        normalize_id_number("074186123456", sex="male")
    assert error.value.code == "id_sex"


def test_cccd_for_encodes_century_and_sex():
    from datetime import date

    assert cccd_for(74, date(2003, 1, 1), "male", 42) == "074203000042"
    assert cccd_for(74, date(1986, 1, 1), "female", 42) == "074186000042"


@pytest.mark.parametrize("raw", ["0912345678", "0912 345 678", "+84 912 345 678", "84912345678", "0912.345.678"])
def test_phone_numbers_are_normalised_to_plus84(raw):
    assert normalize_phone(raw) == "+84912345678"


def test_a_landline_is_accepted():
    assert normalize_phone("0274 3822 123") == "+842743822123"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("+1 202 555 0100", "phone_country"),
        ("912345678", "phone_prefix"),
        ("0112345678", "phone_invalid"),
        ("09123456", "phone_invalid"),
        ("09a2345678", "phone_not_digits"),
    ],
)
def test_bad_phone_numbers_are_rejected_with_a_specific_reason(raw, code):
    with pytest.raises(ValidationError) as error:
        normalize_phone(raw)
    assert error.value.code == code


@given(st.from_regex(r"0[35789][0-9]{8}", fullmatch=True))
def test_every_mobile_number_normalises_and_stays_stable(number):
    normalised = normalize_phone(number)
    assert normalised == "+84" + number[1:]
    assert normalize_phone(normalised) == normalised
