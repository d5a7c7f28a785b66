"""Level changes and closed tracing tasks stored their cause as English text ("contact with #18359 dismissed: …");
they now keep a code and its ids (surveillance/reasons.py). This reads the old texts back into codes where they
follow the patterns the services wrote, and leaves any other text as it is, shown as stored. The patterns and
labels are copied here as they were written, so that later changes to the services do not change this reading."""

import re
from collections.abc import Callable
from datetime import UTC
from zoneinfo import ZoneInfo

from django.db import migrations

CASE_STATUSES = {
    "Active": "active",
    "Recovered": "recovered",
    "Died": "died",
    "Moved away": "moved_away",
    "Ruled out (false positive)": "ruled_out",
    "Hoạt động": "active",
    "Khỏi bệnh": "recovered",
    "Tử vong": "died",
    "Chuyển đi nơi khác": "moved_away",
    "Loại trừ (dương tính giả)": "ruled_out",
}
CLEAR_REASONS = {
    "Tested negative": "negative_test",
    "Completed quarantine": "quarantine_done",
    "The contact they were exposed through tested negative": "source_negative",
    "Xét nghiệm âm tính": "negative_test",
    "Hoàn thành cách ly": "quarantine_done",
    "Người tiếp xúc mà họ bị phơi nhiễm qua đã xét nghiệm âm tính": "source_negative",
}
# (reason, pattern), in the order tried when the reason is not known (a task's note): the narrower first.
PATTERNS = [
    ("contact_dismissed", re.compile(r"contact with #(?P<other>\d+) dismissed: (?P<dismissed_reason>.*)", re.S)),
    ("contact_added", re.compile(r"contact with #(?P<other>\d+)")),
    ("case_confirmed", re.compile(r"F0 (?P<case>.+) confirmed")),
    ("checkin_match", re.compile(r"check-in match with F0 (?P<case>.+)")),
    ("manifest", re.compile(r"(?P<trip>.+) with F0 (?P<case>.+)")),
    ("case_status", re.compile(r"F0 (?P<case>.+?): (?P<status>.+)")),
    ("cleared", re.compile(r"(?:#(?P<person>\d+)|(?P<count>\d+) (?:people|người)): (?P<clear_reason>.+)")),
]
STATUS_REASONS = {"case_closed", "case_ruled_out"}
NOTE_PREFIXES = ("No longer a contact: ", "Không còn là người tiếp xúc: ")
RECOMPUTE_NOTES = ("full recompute", "tính lại toàn bộ")
Lookup = Callable[[str], int | None]


def cause_from_text(text: str, reason: str | None, *, case_id: Lookup, trip_id: Lookup) -> tuple[str, dict] | None:
    """(reason, params) read from an old cause text, or None when it follows no known pattern. `reason` is the
    row's code when known; `case_id` and `trip_id` find a case or a trip by how it was printed."""
    for code, pattern in PATTERNS:
        if reason is not None and code != reason and not (code == "case_status" and reason in STATUS_REASONS):
            continue
        match = pattern.fullmatch(text.strip())
        if match is None:
            continue
        params = _params(match.groupdict(), case_id, trip_id)
        if params is not None:
            return _status_reason(code, params), params
    return None


def _params(found: dict, case_id: Lookup, trip_id: Lookup) -> dict | None:
    params: dict = {}
    for key, value in found.items():
        if value is None:
            continue
        if key in ("other", "person", "count"):
            params[key] = int(value)
        elif key == "case":
            params[key] = case_id(value)
        elif key == "trip":
            params[key] = trip_id(value)
        elif key == "status":
            params[key] = CASE_STATUSES.get(value)
        elif key == "clear_reason":
            params[key] = CLEAR_REASONS.get(value)
        else:
            params[key] = value
    return None if None in params.values() else params


def _status_reason(code: str, params: dict) -> str:
    if code != "case_status":
        return code
    return "case_ruled_out" if params["status"] == "ruled_out" else "case_closed"


def cause_from_note(note: str, *, case_id: Lookup, trip_id: Lookup) -> tuple[str, dict] | None:
    """(reason, params) of a task the system closed with a note "No longer a contact: <cause>"."""
    prefix = next((p for p in NOTE_PREFIXES if note.startswith(p)), None)
    if prefix is None:
        return None
    text = note.removeprefix(prefix)
    if text.strip() in RECOMPUTE_NOTES:
        return "full_recompute", {}
    return cause_from_text(text, None, case_id=case_id, trip_id=trip_id)


class Finder:
    """Cases and trips by how the old texts printed them: a case as its national code or "F0 #<id>", a trip
    as "<kind> <code> <dd/mm/yyyy HH:MM>" (the time in UTC or in Vietnam's time, as the instance held it)."""

    TRIP = re.compile(r".* (?P<code>\S+) (?P<at>\d\d/\d\d/\d{4} \d\d:\d\d)")

    def __init__(self, apps):
        self.cases = apps.get_model("surveillance", "Case").objects
        self.trips = apps.get_model("surveillance", "Trip").objects
        self.known: dict[tuple[str, str], int | None] = {}

    def case_id(self, label: str) -> int | None:
        if ("case", label) not in self.known:
            numbered = re.fullmatch(r"F0 #(\d+)", label)
            found = self.cases.filter(pk=int(numbered[1])) if numbered else self.cases.filter(national_code=label)
            self.known["case", label] = found.values_list("pk", flat=True).first()
        return self.known["case", label]

    def trip_id(self, label: str) -> int | None:
        if ("trip", label) not in self.known:
            match = self.TRIP.fullmatch(label)
            self.known["trip", label] = match and self._trip(match["code"], match["at"])
        return self.known["trip", label]

    def _trip(self, code: str, at: str) -> int | None:
        for pk, departed in self.trips.filter(code=code).values_list("pk", "departed_at"):
            for zone in (UTC, ZoneInfo("Asia/Ho_Chi_Minh")):
                if departed.astimezone(zone).strftime("%d/%m/%Y %H:%M") == at:
                    return pk
        return None


def convert(apps, schema_editor):
    finder = Finder(apps)
    lookups = {"case_id": finder.case_id, "trip_id": finder.trip_id}
    LevelChange = apps.get_model("surveillance", "LevelChange")
    changed = []
    for row in LevelChange.objects.exclude(legacy_detail="").only("reason", "legacy_detail").iterator(2000):
        cause = cause_from_text(row.legacy_detail, row.reason, **lookups)
        if cause is not None:
            row.reason, row.params, row.legacy_detail = cause[0], cause[1], ""
            changed.append(row)
    LevelChange.objects.bulk_update(changed, ["reason", "params", "legacy_detail"], batch_size=1000)
    TracingTask = apps.get_model("surveillance", "TracingTask")
    closed = []
    for prefix in NOTE_PREFIXES:
        for task in TracingTask.objects.filter(note__startswith=prefix).only("note").iterator(2000):
            cause = cause_from_note(task.note, **lookups)
            if cause is not None:
                task.closed_reason, task.closed_params, task.note = cause[0], cause[1], ""
                closed.append(task)
    TracingTask.objects.bulk_update(closed, ["closed_reason", "closed_params", "note"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("surveillance", "0012_level_change_reasons_as_codes")]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
