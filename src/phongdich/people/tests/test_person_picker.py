"""Finding a person at the point of care by name and year of birth, within the user's area only."""

from phongdich.people.cards import person_card_text


def hang_of_lai_thieu(world):
    return world.person("Nguyễn Thị Hằng", "25966")


def hang_of_hiep_thanh(world):
    return world.person("Nguyễn Thị Hằng", "25741")


def picked(client, text: str) -> str:
    return client.get("/persons/pick/", {"field": "number", "number": text}).content.decode()


def test_a_name_without_diacritics_and_a_birth_year_find_the_person_in_the_officers_commune(client_as, world):
    page = picked(client_as("commune_officer"), "nguyen thi hang 1986")
    assert f'name="number_person" value="{hang_of_lai_thieu(world).pk}"' in page and "Nguyễn Thị Hằng" in page


def test_a_name_search_does_not_reach_a_person_outside_the_officers_jurisdiction(client_as, world):
    page = picked(client_as("commune_officer"), "Nguyễn Thị Hằng 1990")
    assert f'value="{hang_of_hiep_thanh(world).pk}"' not in page
    assert "Không có ai trong địa bàn của bạn khớp." in page


def test_the_province_sees_both_people_of_the_same_name_and_the_year_tells_them_apart(client_as, world):
    client = client_as("province_commander")
    both = picked(client, "Nguyễn Thị Hằng")
    assert f'value="{hang_of_lai_thieu(world).pk}"' in both and f'value="{hang_of_hiep_thanh(world).pk}"' in both
    one = picked(client, "Nguyễn Thị Hằng 1990")
    assert f'value="{hang_of_hiep_thanh(world).pk}"' in one and f'value="{hang_of_lai_thieu(world).pk}"' not in one


def test_a_number_or_a_card_is_not_a_name_to_search(client_as, world):
    client = client_as("commune_officer")
    assert "number_person" not in picked(client, "074186123456")
    assert "number_person" not in picked(client, person_card_text(hang_of_lai_thieu(world)))
