"""Every unique rule a service checks before inserting, hit by several requests at once: exactly one row is
stored, and every other request gets the pre-check's clear refusal (or, for an idempotency key, the row the
winner stored), never an IntegrityError that the API would answer with a 500."""

from datetime import date, timedelta

from django.utils import timezone

from phongdich.accounts import services as account_services
from phongdich.accounts.models import User
from phongdich.accounts.services import user_create
from phongdich.core import rules
from phongdich.core.import_flow import bytes_keep
from phongdich.labs.tests.factories import residents
from phongdich.surveillance.choices import ContactKind, DetectionSetting
from phongdich.surveillance.models import Case, Contact
from phongdich.surveillance.services import case_confirm, contact_record
from phongdich.surveillance.services import cases as case_services
from phongdich.surveillance.services import contacts as contact_services
from phongdich.vaccination import importers as dose_importers
from phongdich.vaccination.importers import UPLOAD_KIND, dose_import_start
from phongdich.vaccination.models import DoseImport, VaccinationRules
from phongdich.vaccination.services import vaccination_rules_add


def _confirm(officer, person, **values):
    now = timezone.now()
    return lambda: case_confirm(
        actor=officer,
        person=person,
        confirmed_at=now - timedelta(hours=2),
        confirmation_test="rt_pcr",
        detection_setting=DetectionSetting.COMMUNITY,
        **values,
    )


def test_three_accounts_with_one_name_in_any_case_at_once_make_one(seeded, race):
    names = ["nguyen.van.an", "Nguyen.Van.An", "NGUYEN.VAN.AN"]
    attempts = [
        lambda name=name: user_create(actor="test", username=name, password="Thuận An 2021 an toàn") for name in names
    ]
    outcome = race(attempts, check=(account_services, "_username_free"))
    assert len(outcome.results) == 1
    assert sorted(outcome.refusals()) == sorted(
        f"Tài khoản {name} đã tồn tại." for name in names if name != outcome.results[0].username
    )
    assert User.objects.filter(username__iexact="nguyen.van.an").count() == 1


def test_three_cases_with_one_national_code_at_once_register_one(seeded, race):
    officer = seeded.user("commune_officer")
    people = residents(officer, 3)
    outcome = race(
        [_confirm(officer, person, national_code="BN-74-2111-0042") for person in people],
        check=(case_services, "_national_code_free"),
    )
    assert len(outcome.results) == 1
    assert outcome.refusals() == ["Đã có ca bệnh mang mã quốc gia này."] * 2
    assert Case.objects.filter(national_code="BN-74-2111-0042").count() == 1


def test_one_person_confirmed_twice_at_once_has_one_active_case(seeded, race):
    """The service locks the person's row, so the second request waits and then sees the first one's case."""
    officer = seeded.user("commune_officer")
    (person,) = residents(officer, 1)
    outcome = race([_confirm(officer, person), _confirm(officer, person)])
    assert len(outcome.results) == 1
    assert outcome.refusals() == ["Người này đang là ca bệnh chưa kết thúc."]
    assert Case.objects.filter(person=person).count() == 1


def test_two_rule_versions_for_one_date_at_once_add_one(seeded, race):
    admin = seeded.user("system_admin")

    def add():
        return vaccination_rules_add(
            actor=admin,
            effective_from=date(2022, 3, 1),
            source_document="Công văn 1535/BYT-DP (3/2022): mũi nhắc lại sau 4 tháng",
            document_date=date(2022, 3, 1),
            booster_min_days=120,
        )

    outcome = race([add, add, add], check=(rules, "_date_free"))
    assert len(outcome.results) == 1
    assert outcome.refusals() == ["Đã có một phiên bản có hiệu lực từ ngày này."] * 2
    assert VaccinationRules.objects.filter(effective_from=date(2022, 3, 1)).count() == 1


def test_a_contact_sent_three_times_at_once_with_one_key_is_stored_once(seeded, race):
    officer = seeded.user("commune_officer")
    person, other = residents(officer, 2)
    met = timezone.now() - timedelta(days=1)

    def record():
        return contact_record(
            actor=officer,
            person=person,
            other=other,
            kind=ContactKind.WORKPLACE,
            first_at=met,
            key="phieu-dieu-tra-0042",
        )

    outcome = race([record, record, record], check=(contact_services, "_refuse_outside_infectious_period"))
    assert not outcome.errors
    assert sorted(created for _contact, created in outcome.results) == [False, False, True]
    assert {contact.pk for contact, _created in outcome.results} == {Contact.objects.get(key="phieu-dieu-tra-0042").pk}


def test_one_dose_file_uploaded_twice_at_once_is_one_import(seeded, race):
    commander = seeded.user("province_commander")
    raw = (
        "CCCD,Họ và tên,Ngày sinh,Xã,Vắc xin,Mũi,Ngày tiêm\n"
        "074186123456,Nguyễn Thị Hằng,14/03/1986,25966,Pfizer,3,15/12/2021\n"
    )
    uploads = [
        bytes_keep(actor=commander, kind=UPLOAD_KIND, raw=raw.encode(), filename="tiem-chung.csv") for _ in range(2)
    ]
    mapping = {
        "id_number": "CCCD",
        "full_name": "Họ và tên",
        "birth_date": "Ngày sinh",
        "commune": "Xã",
        "product": "Vắc xin",
        "number": "Mũi",
        "given_on": "Ngày tiêm",
    }
    attempts = [
        lambda upload=upload: dose_import_start(actor=commander, unit=seeded.unit("74"), upload=upload, mapping=mapping)
        for upload in uploads
    ]
    outcome = race(attempts, check=(dose_importers, "upload_forget"))
    assert not outcome.errors
    assert len({job.pk for job in outcome.results}) == 1
    assert DoseImport.objects.filter(sha256=uploads[0].sha256).count() == 1
