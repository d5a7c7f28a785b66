"""A small real world for tests: Bình Dương's official units, a few residential groups, and named personas.

province_commander  Bình Dương (74)            district_officer  Thuận An (725)
commune_officer     Lái Thiêu (25966)          other_commune     Hiệp Thành (25741), another district
community_team      Lái Thiêu, Khu phố 1       health_worker     Trạm Y tế Phường Lái Thiêu
enterprise_rep      an enterprise in Lái Thiêu analyst           province, no access to persons
system_admin        province                   outsider          no role at all
lab_technician      the CDC lab, in Hiệp Thành: the samples sent to it and the people they were taken from,
                    not the residents of Hiệp Thành
analyst_commune     two roles: province analyst, and commune officer of Hiệp Thành (not Lái Thiêu)
district_admin      two roles: system administrator of Thuận An, and commune officer of Lái Thiêu
commander_commune   two roles: province commander, and commune officer of Lái Thiêu

Testing: round 1 in Lái Thiêu, Nguyễn Thị Hằng's sample in pool LT-POOL-0001 sent to the CDC lab (in Hiệp
Thành); Phước Thịnh's staff tested weekly.

In Lái Thiêu, Khu phố 1, Đỗ Văn Tâm is an active case (F0) and Lý Thị Thu, who works with him, is his F1 with an
open door-to-door task; Phan Văn Lộc (Khu phố 2), infected by him, is a second case: together a cluster.
"""

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from html import unescape
from pathlib import Path

from django.db import connection
from django.utils import timezone

from phongdich.accounts.models import User
from phongdich.accounts.roles import Role
from phongdich.accounts.services import role_assign
from phongdich.labs.models import Lab
from phongdich.people.models import Person
from phongdich.people.services import person_create
from phongdich.places.choices import FacilityKind, OrganisationKind, Structure, VenueKind
from phongdich.places.models import AdminUnit, Facility, Organisation, Venue
from phongdich.places.services import residential_groups_create, units_load
from phongdich.surveillance.choices import ContactKind, DetectionSetting
from phongdich.surveillance.services import case_confirm, contact_record

PASSWORD = "correct horse battery staple"


Assignment = tuple[str, str, str]  # role, kind of place, the place's code or name
PERSONAS: dict[str, Assignment | list[Assignment] | None] = {
    "province_commander": (Role.PROVINCE_COMMANDER, "unit", "74"),
    "analyst": (Role.PROVINCE_ANALYST, "unit", "74"),
    "district_officer": (Role.DISTRICT_OFFICER, "unit", "725"),
    "commune_officer": (Role.COMMUNE_OFFICER, "unit", "25966"),
    "other_commune": (Role.COMMUNE_OFFICER, "unit", "25741"),
    "community_team": (Role.COMMUNITY_TEAM, "unit", "25966-01"),
    "health_worker": (Role.HEALTH_WORKER, "facility", "Trạm Y tế Phường Lái Thiêu"),
    "enterprise_rep": (Role.ENTERPRISE_REP, "organisation", "Công ty TNHH Giày da Phước Thịnh"),
    "system_admin": (Role.SYSTEM_ADMIN, "unit", "74"),
    "lab_technician": (Role.LAB_TECHNICIAN, "facility", "Phòng xét nghiệm CDC Bình Dương"),
    "outsider": None,
    # Two roles each: a scope bug often needs a permission from one role and a place from the other.
    "analyst_commune": [(Role.PROVINCE_ANALYST, "unit", "74"), (Role.COMMUNE_OFFICER, "unit", "25741")],
    "district_admin": [(Role.SYSTEM_ADMIN, "unit", "725"), (Role.COMMUNE_OFFICER, "unit", "25966")],
    "commander_commune": [(Role.PROVINCE_COMMANDER, "unit", "74"), (Role.COMMUNE_OFFICER, "unit", "25966")],
}


def unit(code: str) -> AdminUnit:
    return AdminUnit.objects.get(structure=Structure.LEGACY, code=code)


def build_world() -> None:
    units_load(actor="test", province_code=74, structure=Structure.LEGACY)
    for commune_code in ("25966", "25741", "25963"):
        residential_groups_create(
            actor="test", commune=unit(commune_code), names=[("Khu phố 1", "khu phố"), ("Khu phố 2", "khu phố")]
        )
    Facility.objects.create(
        name="Trạm Y tế Phường Lái Thiêu", kind=FacilityKind.COMMUNE_HEALTH_STATION, unit=unit("25966")
    )
    Organisation.objects.create(
        name="Công ty TNHH Giày da Phước Thịnh", kind=OrganisationKind.ENTERPRISE, unit=unit("25966")
    )
    lab = Facility.objects.create(name="Phòng xét nghiệm CDC Bình Dương", kind=FacilityKind.LAB, unit=unit("25741"))
    Lab.objects.create(facility=lab, daily_capacity=2000)
    Venue.objects.create(name="Chợ Lái Thiêu", kind=VenueKind.MARKET, unit=unit("25966-01"))
    for username, spec in PERSONAS.items():
        user = User.objects.create_user(username=username, password=PASSWORD, full_name=username)
        for role, kind, key in [spec] if isinstance(spec, tuple) else spec or []:
            place = {
                "unit": lambda k: unit(k),
                "facility": lambda k: Facility.objects.get(name=k),
                "organisation": lambda k: Organisation.objects.get(name=k),
            }[kind](key)
            role_assign(actor="test", user=user, role=role, **{kind: place})
    admin = User.objects.get(username="system_admin")
    person_create(
        actor=admin,
        full_name="Nguyễn Thị Hằng",
        birth_date=date(1986, 3, 14),
        sex="female",
        id_number="074186123456",
        phone="0912345678",
        unit=unit("25966-01"),
    )
    person_create(
        actor=admin,
        full_name="Nguyễn Thị Hằng",
        birth_date=date(1990, 5, 2),
        sex="female",
        id_number="074190654321",
        unit=unit("25741-01"),
    )
    person_create(
        actor=admin, full_name="Trần Văn Bình", birth_year=1956, sex="male", unit=unit("25963-02"), chronic_disease=True
    )
    person_create(
        actor=admin,
        full_name="Lê Hoàng Phúc",
        birth_date=date(1998, 11, 20),
        sex="male",
        unit=unit("25741-02"),
        occupation="Công nhân",
        workplace=Organisation.objects.get(name="Công ty TNHH Giày da Phước Thịnh"),
    )

    build_outbreak()
    build_testing()
    build_vaccination()


def build_outbreak() -> None:
    officer = User.objects.get(username="commune_officer")
    tam = person_create(actor=officer, full_name="Đỗ Văn Tâm", birth_year=1979, sex="male", unit=unit("25966-01"))
    thu = person_create(actor=officer, full_name="Lý Thị Thu", birth_year=1988, sex="female", unit=unit("25966-01"))
    now = timezone.now()
    contact_record(actor=officer, person=thu, other=tam, kind=ContactKind.WORKPLACE, first_at=now - timedelta(days=1))
    first = case_confirm(
        actor=officer,
        person=tam,
        confirmed_at=now - timedelta(hours=2),
        confirmation_test="rt_pcr",
        detection_setting=DetectionSetting.COMMUNITY,
        symptom_onset=timezone.localdate(now - timedelta(hours=2)),
    )
    loc = person_create(actor=officer, full_name="Phan Văn Lộc", birth_year=1969, sex="male", unit=unit("25966-02"))
    case_confirm(
        actor=officer,
        person=loc,
        confirmed_at=now - timedelta(hours=1),
        confirmation_test="antigen",
        detection_setting=DetectionSetting.QUARANTINE,
        source_case=first,
    )


def build_testing() -> None:
    """Round 1 in Lái Thiêu: Nguyễn Thị Hằng's sample sits in a pool sent to the CDC lab; the Phước Thịnh
    company tests its staff weekly."""
    from phongdich.core.import_flow import bytes_keep
    from phongdich.labs.choices import SampleKind
    from phongdich.labs.importers import UPLOAD_KIND, result_import_run, result_import_start
    from phongdich.labs.services import pool_open, pool_send, round_create, sample_register, testing_plan_save

    officer = User.objects.get(username="commune_officer")
    today = timezone.localdate()
    testing_round = round_create(
        actor=User.objects.get(username="district_officer"),
        name="Xét nghiệm toàn dân đợt 1",
        unit=unit("25966"),
        starts_on=today,
        ends_on=today,
    )
    lab = Lab.objects.get(facility__name="Phòng xét nghiệm CDC Bình Dương")
    pool = pool_open(actor=officer, barcode="LT-POOL-0001", lab=lab, unit=unit("25966-01"), testing_round=testing_round)
    hang = Person.objects.get(full_name="Nguyễn Thị Hằng", unit__code="25966-01")
    sample_register(
        actor=officer,
        person=hang,
        kind=SampleKind.RT_PCR_POOLED,
        barcode="LT-0001-01",
        pool=pool,
        sampled_at=timezone.now() - timedelta(hours=3),
    )
    pool_send(actor=officer, pool=pool)
    technician = User.objects.get(username="lab_technician")
    raw = "Mã mẫu,Kết quả,Thời gian\nKHONG-CO,Âm tính,01/08/2021 10:00\n".encode()
    result_import_run(
        result_import_start(
            actor=technician,
            lab=lab,
            upload=bytes_keep(actor=technician, kind=UPLOAD_KIND, raw=raw, filename="ket-qua-thu.csv"),
            mapping={"barcode": "Mã mẫu", "result": "Kết quả", "result_at": "Thời gian"},
        ).pk
    )
    testing_plan_save(
        actor=User.objects.get(username="district_officer"),
        organisation=Organisation.objects.get(name="Công ty TNHH Giày da Phước Thịnh"),
        every_days=7,
        responsible="Giám đốc Trần Quốc Hùng",
        starts_on=today,
    )


@dataclass
class World:
    """Fresh objects per test, so no test sees another's cached scopes."""

    def user(self, name: str) -> User:
        return User.objects.get(username=name)

    def unit(self, code: str) -> AdminUnit:
        return unit(code)

    def venue(self, name: str) -> Venue:
        return Venue.objects.get(name=name)

    def person(self, name: str, commune_code: str) -> Person:
        return Person.objects.get(full_name=name, unit__path__startswith=unit(commune_code).path)


TARGET_DOCUMENT = (
    "Chỉ thị về tăng cường lãnh đạo phòng, chống dịch Covid-19 (11/2021): trong tháng 12/2021, 100% dân số "
    "trong diện được tiêm vắc xin được tiêm đủ 2 mũi"
)


def build_vaccination() -> None:
    """Hằng of Lái Thiêu has two doses of Comirnaty and a certificate; a vaccination site works in Lái Thiêu;
    the province's target for December 2021 is set."""
    from phongdich.core.import_flow import bytes_keep
    from phongdich.vaccination.importers import UPLOAD_KIND, dose_import_run, dose_import_start
    from phongdich.vaccination.models import VaccinationRules, VaccinationTarget, VaccineProduct
    from phongdich.vaccination.seeds import seed
    from phongdich.vaccination.services import (
        certificate_issue,
        coverage_refresh,
        dose_record,
        shipment_propose,
        signing_key_create,
    )

    seed(VaccineProduct, VaccinationRules)  # gone if a transactional test flushed the database
    site = Facility.objects.create(
        name="Điểm tiêm chủng Phường Lái Thiêu", kind=FacilityKind.VACCINATION_SITE, unit=unit("25966")
    )
    officer = User.objects.get(username="commune_officer")
    hang = Person.objects.get(full_name="Nguyễn Thị Hằng", unit=unit("25966-01"))
    comirnaty = VaccineProduct.objects.get(code="EU/1/20/1528")
    for day in (date(2021, 8, 2), date(2021, 8, 30)):
        dose_record(actor=officer, person=hang, product=comirnaty, given_on=day, site=site, lot="FF2382")
    signing_key_create(actor="test")
    certificate_issue(actor=officer, person=hang)
    VaccinationTarget.objects.create(
        unit=unit("74"),
        indicator="full",
        population="18+",
        percent=100,
        deadline=date(2021, 12, 31),
        source_document=TARGET_DOCUMENT,
    )
    coverage_refresh()
    thuan_an = unit("25966").parent
    assert thuan_an is not None
    shipment_propose(
        actor=User.objects.get(username="district_officer"),
        product=comirnaty,
        doses=1000,
        received_on=date(2021, 9, 1),
        unit=thuan_an,
    )
    commander = User.objects.get(username="province_commander")
    raw = "Họ tên,Ngày sinh,Vắc xin,Ngày tiêm\nTrần Văn Bình,01/01/1956,Vero Cell,15/09/2021\n".encode()
    dose_import_run(
        dose_import_start(
            actor=commander,
            unit=unit("74"),
            upload=bytes_keep(actor=commander, kind=UPLOAD_KIND, raw=raw, filename="tiem-chung-quoc-gia.csv"),
            mapping={"full_name": "Họ tên", "birth_date": "Ngày sinh", "product": "Vắc xin", "given_on": "Ngày tiêm"},
        ).pk
    )


# Looked up by libraries without ever reaching a page: django-filter's verbose name of the default lookup, the
# messages of a 404 (shown only with DEBUG; the live test server tries every address as a media file first), and
# the help text of a Django form class this project does not use.
NEVER_SHOWN_MSGIDS = frozenset(
    {
        "exact",
        "No %s matches the given query.",
        "“%(path)s” does not exist",
        "Whether the user will be able to authenticate using a password or not. If disabled, they may still be able "
        "to authenticate using other backends, such as Single Sign-On or LDAP.",
    }
)


@contextmanager
def untranslated_msgids(language: str = "vi") -> Iterator[set[str]]:
    """Collects every message looked up while `language` is active that no catalogue translates (the project's,
    Django's or a library's), in any thread: a page rendered in Vietnamese would show it in English. A lookup of
    a text that is already a translation (a language's name translated twice) is no miss."""
    from django.utils.translation.trans_real import DjangoTranslation

    missed: set[str] = set()
    gettext, ngettext = DjangoTranslation.gettext, DjangoTranslation.ngettext

    def record(translation, message: str, key) -> None:
        if not message or translation.language() != language or key in translation._catalog:
            return
        message = message.rsplit("\x04", 1)[-1]  # pgettext looks up "context\x04message"
        if message not in NEVER_SHOWN_MSGIDS and message not in _translations_of(translation):
            missed.add(message)

    def recording_gettext(self, message):
        record(self, message, message)
        return gettext(self, message)

    def recording_ngettext(self, singular, plural, n):
        record(self, singular, (singular, 0))
        return ngettext(self, singular, plural, n)

    DjangoTranslation.gettext, DjangoTranslation.ngettext = recording_gettext, recording_ngettext  # type: ignore[method-assign]
    try:
        yield missed
    finally:
        DjangoTranslation.gettext, DjangoTranslation.ngettext = gettext, ngettext  # type: ignore[method-assign]


def _translations_of(translation) -> set[str]:
    if not hasattr(translation, "_phongdich_translations"):
        translation._phongdich_translations = {v for _k, v in translation._catalog.items() if isinstance(v, str)}
    return translation._phongdich_translations


@cache
def _english_sentences() -> frozenset[str]:
    """The project's own messages long enough to be unmistakably English when they appear in a page."""
    import polib

    catalogue = Path(__file__).resolve().parent.parent / "locale/vi/LC_MESSAGES/django.po"
    return frozenset(
        entry.msgid
        for entry in polib.pofile(str(catalogue))
        if entry.msgstr != entry.msgid
        and len(entry.msgid.split()) >= 3
        and "%" not in entry.msgid
        and "{" not in entry.msgid
        and "<" not in entry.msgid
    )


def english_sentences_in(html: str) -> list[str]:
    """The project's English messages that a rendered page shows as they are (a message translated before the
    page's language was chosen, at import time for instance)."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", html))).split())
    return sorted(sentence for sentence in _english_sentences() if sentence in text)


@contextmanager
def runs_queued():
    """The background runs `run_later` queued inside the block, as (function path, args) pairs: with the database
    queue they are written with the transaction that asked for them, not after its commit."""
    from django_tasks_db.models import DBTaskResult

    before = set(DBTaskResult.objects.values_list("pk", flat=True))
    runs: list[tuple[str, list]] = []
    yield runs
    for task in DBTaskResult.objects.exclude(pk__in=before).order_by("enqueued_at"):
        path, args = task.args_kwargs["args"]
        runs.append((path, args))


def real_clock(environ) -> dict[str, str]:
    """An environment for a child process without libfaketime (scripts/moved-clock): under it, time.sleep fails in
    a child, which the test's own conftest cannot mend. The processes share one clock among themselves, which is
    all their leases and progress compare."""
    return {name: value for name, value in environ.items() if name != "LD_PRELOAD" and not name.startswith("FAKETIME")}


class SharedDatabase:
    """The test's database as other processes reach it: on SQLite (in memory in tests) a copy in a file, copied
    back once they are done; on PostgreSQL the test database itself."""

    def __init__(self, folder):
        self.file = folder / "shared.sqlite3"

    @property
    def url(self) -> str:
        if connection.vendor == "sqlite":
            return f"sqlite:///{self.file}"
        s = connection.settings_dict
        return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"

    def share(self) -> None:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with sqlite3.connect(self.file) as target:
                connection.connection.backup(target)

    def take_back(self) -> None:
        if connection.vendor == "sqlite":
            with sqlite3.connect(self.file) as source:
                source.backup(connection.connection)

    def value(self, sql: str, params: list):
        """One value read by another connection while the processes run (SQL with %s placeholders)."""
        if connection.vendor == "sqlite":
            with sqlite3.connect(self.file, timeout=20) as reader:
                return reader.execute(sql.replace("%s", "?"), params).fetchone()[0]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]
