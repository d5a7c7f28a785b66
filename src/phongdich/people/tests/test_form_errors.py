"""A form reports every error on the first submit, sums them up at the top, and marks its required fields."""

from phongdich.people.models import Person


def test_the_person_form_reports_a_missing_unit_and_a_bad_cccd_together(client_as, world):
    response = client_as("commune_officer").post(
        "/persons/new/", {"full_name": "Huỳnh Tấn Phát", "birth_year": 1965, "sex": "male", "id_number": "0741861234"}
    )
    errors = response.context["form"].errors
    assert response.status_code == 200 and set(errors) == {"unit", "id_number"}
    assert "CCCD có 12 chữ số" in str(errors["id_number"])
    assert not Person.objects.filter(full_name="Huỳnh Tấn Phát").exists()


def test_an_edit_with_a_field_error_still_reports_the_services_errors_on_the_others(client_as, world):
    hang = world.person("Nguyễn Thị Hằng", "25966")
    response = client_as("commune_officer").post(
        f"/persons/{hang.pk}/edit/",
        {"full_name": hang.full_name, "sex": "male", "pregnant": "on", "unit": hang.unit_id, "birth_date": "14/03"},
    )
    assert set(response.context["form"].errors) == {"birth_date", "pregnant"}


def test_the_errors_are_summed_up_at_the_top_with_links_to_their_fields(client_as, world):
    response = client_as("commune_officer").post("/persons/new/", {"full_name": "Huỳnh Tấn Phát", "sex": "male"})
    body = response.content.decode()
    summary = body[body.index('class="error-summary"') : body.index("</ul>", body.index('class="error-summary"'))]
    assert 'tabindex="-1"' in summary and 'href="#id_unit"' in summary
    assert body.index('class="error-summary"') < body.index('id="id_full_name"')


def test_required_fields_are_marked_and_optional_ones_are_not(client_as, world):
    body = client_as("commune_officer").get("/persons/new/").content.decode()
    label = body[body.index('<label for="id_full_name">') :]
    assert label[: label.index("</label>")].endswith('aria-hidden="true" title="bắt buộc">*</span>')
    phone = body[body.index('<label for="id_phone">') :]
    assert "*" not in phone[: phone.index("</label>")]
    assert "Các trường có dấu * là bắt buộc." in body
