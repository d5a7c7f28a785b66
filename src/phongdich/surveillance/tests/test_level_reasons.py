"""Why an F-level changed reads in the reader's language, names people only inside the reader's jurisdiction,
and old causes stored as English text are read back into codes."""

import importlib
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from phongdich.surveillance.models import Case, Contact, LevelChange, TracingTask, Trip
from phongdich.surveillance.services import contact_review
from phongdich.surveillance.tests.test_related_people import MASKED, a_hiep_thanh_case, lai_thieu_contacts_of

old_texts = importlib.import_module("phongdich.surveillance.migrations.0013_level_change_reasons_from_old_texts")
CASES = {"BN18359": 1071, "F0 #1072": 1072}
TRIPS = {"Flight VN1234 14/08/2021 09:30": 5}
LOOKUPS = {"case_id": CASES.get, "trip_id": TRIPS.get}


def tam(world):
    return world.person("Đỗ Văn Tâm", "25966")


def thu(world):
    return world.person("Lý Thị Thu", "25966")


def dismiss_thus_contact(world, reason="Nhầm người <không cùng ca>"):
    contact = Contact.objects.get(person=thu(world), other=tam(world))
    contact_review(actor=world.user("commune_officer"), contact=contact, confirm=False, reason=reason)


def test_a_dismissed_contact_reads_in_vietnamese_on_the_person_page(client_as, world):
    dismiss_thus_contact(world)
    page = client_as("commune_officer").get(f"/persons/{thu(world).pk}/").content.decode()
    link = f'<a href="/persons/{tam(world).pk}/">Đỗ Văn Tâm</a>'
    assert f"F1 → –: Tiếp xúc với {link} đã được loại bỏ: Nhầm người &lt;không cùng ca&gt;</li>" in page
    assert "dismissed" not in page


def test_a_dismissed_contact_reads_in_english_for_a_reader_in_english(client_as, world):
    dismiss_thus_contact(world)
    client = client_as("commune_officer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/persons/{thu(world).pk}/").content.decode()
    link = f'<a href="/persons/{tam(world).pk}/">Đỗ Văn Tâm</a>'
    assert f"Contact with {link} dismissed: Nhầm người &lt;không cùng ca&gt;" in page


def test_the_f0s_own_history_names_the_other_party_of_the_dismissed_contact(client_as, world):
    dismiss_thus_contact(world)
    changes = LevelChange.objects.filter(person=tam(world), reason="contact_dismissed")
    assert not changes.exists()  # the F0 keeps F0: no change of theirs to explain
    LevelChange.objects.create(
        person=tam(world),
        unit=tam(world).unit,
        at=timezone.now(),
        from_level=0,
        to_level=0,
        reason="contact_dismissed",
        params={"person": thu(world).pk, "other": tam(world).pk, "dismissed_reason": "nhầm"},
        actor="test",
    )
    page = client_as("commune_officer").get(f"/persons/{tam(world).pk}/").content.decode()
    assert f'Tiếp xúc với <a href="/persons/{thu(world).pk}/">Lý Thị Thu</a> đã được loại bỏ: nhầm' in page


def test_a_task_closed_because_the_contact_was_dismissed_says_why_in_vietnamese(client_as, world):
    task = TracingTask.objects.get(person=thu(world))
    dismiss_thus_contact(world, reason="Không làm cùng ca")
    task.refresh_from_db()
    assert task.done_at is not None and task.note == "" and task.closed_reason == "contact_dismissed"
    page = client_as("commune_officer").get(f"/tracing/tasks/{task.pk}/").content.decode()
    link = f'<a href="/persons/{tam(world).pk}/">Đỗ Văn Tâm</a>'
    assert f"Không còn là người tiếp xúc: Tiếp xúc với {link} đã được loại bỏ: Không làm cùng ca" in page


def test_a_commune_officer_sees_a_masked_f0_outside_the_commune_in_the_reason(client_as, api_as, world):
    phuc = a_hiep_thanh_case(world)
    [nam] = lai_thieu_contacts_of(phuc, world, ["Trịnh Văn Nam"])
    contact = Contact.objects.get(person=nam, other=phuc)
    contact_review(actor=world.user("commune_officer"), contact=contact, confirm=False, reason="Không gặp nhau")
    page = client_as("commune_officer").get(f"/persons/{nam.pk}/").content.decode()
    masked = f'<span class="masked">người #{phuc.pk}, {MASKED}</span>'
    assert f"Tiếp xúc với {masked} đã được loại bỏ: Không gặp nhau" in page and "Lê Hoàng Phúc" not in page
    history = api_as("commune_officer").get(f"/api/v1/tracing/persons/{nam.pk}/history").json()
    assert history[0]["detail"] == f"Tiếp xúc với người #{phuc.pk}, {MASKED} đã được loại bỏ: Không gặp nhau"
    page = client_as("province_commander").get(f"/persons/{nam.pk}/").content.decode()
    assert f'Tiếp xúc với <a href="/persons/{phuc.pk}/">Lê Hoàng Phúc</a> đã được loại bỏ' in page


def test_the_person_page_reads_its_history_in_the_same_queries_however_many_people_it_names(
    client_as, world, queries_do_not_grow
):
    phuc = a_hiep_thanh_case(world)
    person, client = thu(world), client_as("commune_officer")
    departed = timezone.now() - timedelta(days=3)
    trips = [
        Trip.objects.create(kind="flight", code=code, departed_at=departed, arrived_at=departed, unit=person.unit)
        for code in ("VN1234", "VJ5678")
    ]
    case = Case.objects.get(person=phuc)

    def change(reason, **params):
        return LevelChange(person=person, unit=person.unit, at=timezone.now(), reason=reason, params=params, actor="t")

    def add_changes():
        others = lai_thieu_contacts_of(phuc, world, ["Mai Thị Lan", "Hồ Văn Sơn", "Đặng Thị Mỹ"])
        rows = [change("contact_added", person=person.pk, other=other.pk) for other in [phuc, *others]]
        rows += [change("manifest", trip=trip.pk, case=case.pk) for trip in trips] + [change("cleared", count=3)]
        LevelChange.objects.bulk_create(rows)

    LevelChange.objects.bulk_create([change("manifest", trip=trips[0].pk, case=case.pk)])
    _before, after = queries_do_not_grow(23, lambda: client.get(f"/persons/{person.pk}/").content.decode(), add_changes)
    assert "Tiếp xúc với <a" in after and "Chuyến bay VJ5678" in after and "3 người: " in after


def test_old_english_causes_are_read_back_into_codes_with_their_ids():
    def read(text, reason=None):
        return old_texts.cause_from_text(text, reason, **LOOKUPS)

    assert read("contact with #18359", "contact_added") == ("contact_added", {"other": 18359})
    assert read("contact with #18359 dismissed: nhầm người: khác ca", "contact_dismissed") == (
        "contact_dismissed",
        {"other": 18359, "dismissed_reason": "nhầm người: khác ca"},
    )
    assert read("F0 BN18359 confirmed", "case_confirmed") == ("case_confirmed", {"case": 1071})
    assert read("F0 F0 #1072: Khỏi bệnh", "case_closed") == ("case_closed", {"case": 1072, "status": "recovered"})
    assert read("F0 BN18359: Ruled out (false positive)", "case_ruled_out") == (
        "case_ruled_out",
        {"case": 1071, "status": "ruled_out"},
    )
    assert read("check-in match with F0 BN18359") == ("checkin_match", {"case": 1071})
    assert read("Flight VN1234 14/08/2021 09:30 with F0 BN18359") == ("manifest", {"trip": 5, "case": 1071})
    assert read("#18176: Xét nghiệm âm tính", "cleared") == (
        "cleared",
        {"person": 18176, "clear_reason": "negative_test"},
    )
    assert read("12 people: Completed quarantine") == ("cleared", {"count": 12, "clear_reason": "quarantine_done"})


def test_an_old_cause_in_no_known_pattern_or_naming_an_unknown_case_is_left_as_it_was():
    assert old_texts.cause_from_text("imported from the district's sheet", None, **LOOKUPS) is None
    assert old_texts.cause_from_text("F0 BN99999 confirmed", "case_confirmed", **LOOKUPS) is None
    assert old_texts.cause_from_text("contact with #18359", "case_confirmed", **LOOKUPS) is None


def test_an_old_task_note_is_read_back_into_the_cause_that_closed_it():
    note = "Không còn là người tiếp xúc: contact with #18359 dismissed: nhầm"
    assert old_texts.cause_from_note(note, **LOOKUPS) == (
        "contact_dismissed",
        {"other": 18359, "dismissed_reason": "nhầm"},
    )
    assert old_texts.cause_from_note("No longer a contact: full recompute", **LOOKUPS) == ("full_recompute", {})
    assert old_texts.cause_from_note("Đã gọi, không nghe máy", **LOOKUPS) is None


def test_the_migration_converts_stored_rows_and_the_page_shows_them_in_vietnamese(client_as, world):
    person = thu(world)

    def old(text):
        return LevelChange.objects.create(
            person=person, unit=person.unit, at=timezone.now(), reason="contact_added", legacy_detail=text, actor="t"
        )

    known, unknown = old(f"contact with #{tam(world).pk}"), old("nhập từ danh sách cũ")
    old_texts.convert(apps, None)
    known.refresh_from_db()
    unknown.refresh_from_db()
    assert (known.params, known.legacy_detail) == ({"other": tam(world).pk}, "")
    assert (unknown.params, unknown.legacy_detail) == ({}, "nhập từ danh sách cũ")
    page = client_as("commune_officer").get(f"/persons/{person.pk}/").content.decode()
    assert f'Tiếp xúc với <a href="/persons/{tam(world).pk}/">Đỗ Văn Tâm</a>' in page
    assert ": nhập từ danh sách cũ</li>" in page


def test_a_contact_further_along_the_chain_names_both_its_people():
    from phongdich.people.selectors import PersonRef
    from phongdich.surveillance.reasons import Related, describe

    related = Related(people={7: PersonRef(7, "Lý Thị Thu"), 8: PersonRef(8, None)})
    params = {"person": 7, "other": 8, "dismissed_reason": "nhầm"}
    assert describe("contact_dismissed", params, related, person_id=9) == (
        f"Tiếp xúc giữa Lý Thị Thu và người #8, {MASKED} đã được loại bỏ: nhầm"
    )
    assert describe("contact_dismissed", params, related, person_id=7).startswith(f"Tiếp xúc với người #8, {MASKED}")
    assert describe("contact_added", params, related, person_id=8) == "Tiếp xúc với Lý Thị Thu"
