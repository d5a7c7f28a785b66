"""The demo outbreak: synthetic cases (F0) that follow Bình Dương's reported daily curve from 27/4/2021, scaled
like the population, with their household, workplace and venue contacts and the check-ins behind them.

The curve is data/binh_duong_cases_2021.csv (the national portal's province id 44, inferred to be Bình Dương).
The wave is played up to a chosen day of 2021 (by default 31/8/2021, the week after the peak), on its real dates:
the demo records that day as the platform's clock (core/clock.py), so the lists of today (new F1, tasks due,
active cases) show the province at that moment of the wave, and the case list shows the wave's real shape up to it.
Transmission is synthetic: most new cases come from the contacts of a recent case (a household member, a
co-worker, someone met at the market), the rest appear in the community with no known source.
"""

import csv
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from django.utils import timezone

from phongdich.core import clock
from phongdich.core.bulk import RowWriter, db_date, db_datetime
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit, Venue
from phongdich.surveillance.choices import CaseStatus, DetectionSetting, Severity
from phongdich.surveillance.models import Case, CheckIn, Contact
from phongdich.surveillance.services import clusters_rebuild, levels_recompute

CURVE = Path(__file__).parent / "data" / "binh_duong_cases_2021.csv"
CASE_COLUMNS = [
    "person", "episode", "national_code", "unit", "confirmed_at", "confirmation_test", "sample_taken_at",
    "symptom_onset", "detection_setting", "severity", "status", "status_changed_at", "isolated_at",
    "infectious_from", "source_case", "notes", "created_at", "recorded_by",
]  # fmt: skip
CONTACT_COLUMNS = [
    "key", "person", "other", "unit", "kind", "source", "status", "first_at", "last_at", "venue",
    "overlap_minutes", "dismissed_reason", "created_at", "recorded_by", "match_rule",
]  # fmt: skip
CHECKIN_COLUMNS = [
    "client_id", "venue", "unit", "person", "checked_in_at", "checked_out_at", "source", "received_at", "recorded_by",
]  # fmt: skip
SEVERITY = [(Severity.ASYMPTOMATIC, 40), (Severity.MILD, 40), (Severity.MODERATE, 13), (Severity.SEVERE, 5),
            (Severity.CRITICAL, 2)]  # fmt: skip
ACTIVE_DAYS = 14  # cases confirmed within this many days are still active; older ones have an outcome
FROM_KNOWN_SOURCE = 0.7
AS_OF = date(2021, 8, 31)


def daily_curve() -> list[tuple[date, int]]:
    with CURVE.open(encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        return [(date.fromisoformat(row["date"]), int(row["cases"])) for row in rows]


@dataclass
class Result:
    cases: int = 0
    contacts: int = 0
    checkins: int = 0
    levels: int = 0
    clusters: int = 0


class OutbreakBuilder:
    def __init__(self, *, rng: random.Random, scale: float, as_of: date = AS_OF, log=print):
        self.rng = rng
        self.as_of = as_of
        self.scale = scale
        self.log = log
        self.result = Result()
        self.now = clock.now()
        self.created = db_datetime(self.now)

    def build(self) -> Result:
        self._load_register()
        curve = [(day, cases) for day, cases in daily_curve() if day <= self.as_of]
        self.cases = RowWriter(Case, CASE_COLUMNS)
        self.checkins = RowWriter(CheckIn, CHECKIN_COLUMNS)
        self.contacts = RowWriter(Contact, CONTACT_COLUMNS, batch_size=10_000)
        self.recent: list[tuple[int, int, date]] = []  # (case id, person id, day)
        self.pools: dict[int, list[int]] = {}  # case id -> persons it met (where the next cases come from)
        self.infected: set[int] = set()
        carry = 0.0
        for day, reported in curve:
            carry += reported * self.scale
            count, carry = int(carry), carry - int(carry)
            self.recent = [entry for entry in self.recent if (day - entry[2]).days <= 10]
            for _ in range(count):
                self._case(day)
        for writer in (self.cases, self.checkins, self.contacts):
            writer.close()
        self.result.cases = self.cases.written
        self.result.contacts = self.contacts.written
        self.result.checkins = self.checkins.written
        self.result.levels = len(levels_recompute(actor="demo").changes)
        self.result.clusters = clusters_rebuild(actor="demo")
        return self.result

    def _load_register(self) -> None:
        communes = dict(AdminUnit.objects.filter(level="group").values_list("pk", "parent_id"))
        self.people: list[int] = []
        self.unit_of: dict[int, int] = {}
        self.households: dict[int, list[int]] = defaultdict(list)
        self.household_of: dict[int, int] = {}
        self.coworkers: dict[int, list[int]] = defaultdict(list)
        self.workplace_of: dict[int, int] = {}
        self.commune_people: dict[int, list[int]] = defaultdict(list)
        rows = Person.objects.active().values_list("pk", "unit_id", "household_id", "workplace_id")
        for pk, unit, household, workplace in rows.iterator(chunk_size=20_000):
            self.people.append(pk)
            self.unit_of[pk] = unit
            self.commune_people[communes.get(unit, unit)].append(pk)
            if household:
                self.households[household].append(pk)
                self.household_of[pk] = household
            if workplace:
                self.coworkers[workplace].append(pk)
                self.workplace_of[pk] = workplace
        self.communes = communes
        self.venues_of: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for pk, unit, level, parent in Venue.objects.values_list("pk", "unit_id", "unit__level", "unit__parent_id"):
            self.venues_of[parent if level == "group" else unit].append((pk, unit))

    # One case and what it leaves behind --------------------------------------------------------------------

    def _case(self, day: date) -> None:
        rng = self.rng
        source, person = self._who(day)
        if person is None:
            return
        self.infected.add(person)
        confirmed = timezone.make_aware(datetime.combine(day, time(rng.randint(7, 20), rng.randint(0, 59))))
        onset = day - timedelta(days=rng.randint(0, 3)) if rng.random() < 0.7 else None
        sample = confirmed - timedelta(hours=rng.randint(4, 30))
        infectious_from = timezone.make_aware(
            datetime.combine(min(onset or sample.date(), sample.date()) - timedelta(days=2), time())
        )
        age = (timezone.localdate(self.now) - day).days
        status, changed = CaseStatus.ACTIVE, None
        if age > ACTIVE_DAYS:
            status = CaseStatus.DIED if rng.random() < 0.012 else CaseStatus.RECOVERED
            changed = db_datetime(confirmed + timedelta(days=rng.randint(10, 21)))
        case_id = self.cases.add(
            (
                person, 1, "", self.unit_of[person], db_datetime(confirmed), "rt_pcr", db_datetime(sample),
                db_date(onset) if onset else None, self._setting(source), self._severity(), status, changed,
                db_datetime(confirmed),
                db_datetime(infectious_from), source, "", self.created, None,
            )
        )  # fmt: skip
        self.recent.append((case_id, person, day))
        self.pools[case_id] = self._contacts(case_id, person, infectious_from, confirmed)

    def _who(self, day: date) -> tuple[int | None, int | None]:
        """(source case, person): a contact of a recent case, or someone in the community."""
        rng = self.rng
        if self.recent and rng.random() < FROM_KNOWN_SOURCE:
            case_id, _person, _day = rng.choice(self.recent)
            candidates = [p for p in self.pools.get(case_id, []) if p not in self.infected]
            if candidates:
                return case_id, rng.choice(candidates)
        for _ in range(20):
            person = rng.choice(self.people)
            if person not in self.infected:
                return None, person
        return None, None

    def _setting(self, source: int | None) -> str:
        roll = self.rng.random()
        if source is not None:
            return (
                DetectionSetting.QUARANTINE if roll < 0.5 else DetectionSetting.LOCKDOWN if roll < 0.6 else "community"
            )
        if roll < 0.05:
            return DetectionSetting.IMPORTED_PROVINCE
        return DetectionSetting.CHECKPOINT if roll < 0.1 else DetectionSetting.COMMUNITY

    def _severity(self) -> str:
        return self.rng.choices([s for s, _w in SEVERITY], weights=[w for _s, w in SEVERITY])[0]

    def _contacts(self, case_id: int, person: int, start: datetime, end: datetime) -> list[int]:
        """Household (from the register), co-workers (interview) and market or shop neighbours (check-in match)."""
        rng = self.rng
        met: list[tuple] = []  # (person, kind, found by, status, venue, overlap, first, last)
        household = self.households.get(self.household_of.get(person, 0), [])
        met += [(m, "household", "register", "confirmed", None, None, start, end) for m in household if m != person]
        workers = self.coworkers.get(self.workplace_of.get(person, 0), [])
        for m in rng.sample(workers, k=min(len(workers), rng.randint(2, 6))):
            if m != person:
                shift = self._moment(start, end)
                met.append((m, "workplace", "interview", "confirmed", None, None, shift, shift + timedelta(hours=8)))
        met += self._venue_contacts(case_id, person, start, end)
        seen = set()
        for other, kind, source, status, venue, overlap, first, last in met:
            if other in seen:
                continue
            seen.add(other)
            self.contacts.add(
                (
                    f"demo:{case_id}:{other}", other, person, self.unit_of[other], kind, source, status,
                    db_datetime(first), db_datetime(max(first, last)), venue, overlap, "", self.created, None,
                    "scans" if source == "checkin_match" else "",
                )
            )  # fmt: skip
            if kind != "household" and self.rng.random() < 0.5:
                self._household_of_contact(case_id, other, first, end)
        return list(seen)

    def _household_of_contact(self, case_id: int, contact: int, exposed: datetime, until: datetime) -> None:
        """The people a contact lives with are their household contacts (the F2 of the case)."""
        for member in self.households.get(self.household_of.get(contact, 0), []):
            if member != contact:
                self.contacts.add(
                    (
                        f"demo:{case_id}:{contact}:{member}", member, contact, self.unit_of[member], "household",
                        "register", "confirmed", db_datetime(exposed), db_datetime(until + timedelta(days=3)), None,
                        None, "", self.created, None, "",
                    )
                )  # fmt: skip

    def _moment(self, start: datetime, end: datetime) -> datetime:
        return start + timedelta(minutes=self.rng.randint(0, max(1, int((end - start).total_seconds() // 60))))

    def _venue_contacts(self, case_id: int, person: int, start: datetime, end: datetime) -> list[tuple]:
        rng = self.rng
        commune = self.communes.get(self.unit_of[person], self.unit_of[person])
        venues = self.venues_of.get(commune) or []
        neighbours = self.commune_people.get(commune, [])
        found = []
        for visit in range(rng.randint(1, 3) if venues else 0):
            venue, venue_unit = rng.choice(venues)
            arrived = self._moment(start, end)
            self.checkins.add(
                (f"demo-{case_id}-{visit}", venue, venue_unit, person, db_datetime(arrived),
                 db_datetime(arrived + timedelta(minutes=30)), "scanner", self.created, None)
            )  # fmt: skip
            for n, other in enumerate(rng.sample(neighbours, k=min(len(neighbours), rng.randint(2, 5)))):
                if other == person:
                    continue
                offset = rng.randint(-50, 50)  # scanned within the hour of the case (the rules' default match)
                their_arrival = arrived + timedelta(minutes=offset)
                self.checkins.add(
                    (f"demo-{case_id}-{visit}-{n}", venue, venue_unit, other, db_datetime(their_arrival), None, "app",
                     self.created, None)
                )  # fmt: skip
                overlap = min(30, offset + 60) - max(0, offset)
                status = "confirmed" if rng.random() < 0.5 else "proposed"
                found.append(
                    (other, "venue", "checkin_match", status, venue, overlap, their_arrival,
                     their_arrival + timedelta(minutes=60))
                )  # fmt: skip
        return found
