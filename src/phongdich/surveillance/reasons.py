"""Why an F-level changed, in words, for the person reading it.

A level change (and a tracing task the system closed because of one) stores its cause as a code and the ids and
values behind it (`reason`, `params`): {"person": id, "other": id, "dismissed_reason": "…"}, {"case": case id},
{"trip": trip id, "case": case id}, {"person": person id, "clear_reason": "negative_test"}. The words are made
when the row is shown, in the reader's language, and every person they name goes through the reader's scope
(people.selectors.PersonRef): a name inside it, a masked reference outside. `explain` reads the people, cases
and trips of a whole list in three queries."""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from phongdich.people.selectors import PersonRef, person_refs

from .choices import CaseStatus, ClearReason
from .models import Case, Trip

MESSAGES = {
    "contact_added": lambda: _("Contact with %(other)s"),
    "contact_dismissed": lambda: _("Contact with %(other)s dismissed: %(dismissed_reason)s"),
    "contact_added_between": lambda: _("Contact between %(person)s and %(other)s"),
    "contact_dismissed_between": lambda: _("Contact between %(person)s and %(other)s dismissed: %(dismissed_reason)s"),
    "case_confirmed": lambda: _("F0 %(case)s confirmed"),
    "case_closed": lambda: _("F0 %(case)s: %(status)s"),
    "case_ruled_out": lambda: _("F0 %(case)s: %(status)s"),
    "checkin_match": lambda: _("Check-in match with F0 %(case)s"),
    "manifest": lambda: _("%(trip)s with F0 %(case)s"),
    "cleared": lambda: _("%(who)s: %(clear_reason)s"),
    "full_recompute": lambda: _("Full recompute of every level"),
}


@dataclass
class Related:
    """What a list of causes names, read once for the whole list."""

    people: dict[int, PersonRef] = field(default_factory=dict)
    case_people: dict[int, int] = field(default_factory=dict)  # case id -> its person's id
    trips: dict[int, Trip] = field(default_factory=dict)

    @classmethod
    def read(cls, user, causes: list[dict]) -> "Related":
        case_ids = {p["case"] for p in causes if "case" in p}
        case_people = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "person_id")) if case_ids else {}
        trip_ids = {p["trip"] for p in causes if "trip" in p}
        trips = Trip.objects.in_bulk(trip_ids) if trip_ids else {}
        person_ids = {p[key] for p in causes for key in ("other", "person") if key in p} | set(case_people.values())
        return cls(person_refs(user, person_ids), case_people, trips)

    def person(self, pk: int | None, html: bool) -> str:
        ref = self.people.get(pk) if pk is not None else None
        if ref is None:
            return _("unknown person")
        return ref.link if html else str(ref)

    def trip(self, pk: int | None) -> str:
        trip = self.trips.get(pk) if pk is not None else None
        if trip is None:
            return _("a trip no longer on record")
        departed = timezone.localtime(trip.departed_at).strftime("%d/%m/%Y %H:%M")
        return f"{trip.get_kind_display()} {trip.code} {departed}"


def describe(reason: str, params: dict, related: Related, *, person_id: int | None = None, html: bool = False) -> str:
    """The cause in the active language, for the history of `person_id`; empty for a code without words (the
    history then shows the levels alone). With `html`, people are linked or masked and the rest is escaped."""
    reason, params = _as_seen_by(reason, params, person_id)
    message = MESSAGES.get(reason)
    if message is None:
        return ""
    values = {
        "person": lambda: related.person(params.get("person"), html),
        "other": lambda: related.person(params.get("other"), html),
        "case": lambda: related.person(related.case_people.get(params.get("case")), html),
        "trip": lambda: related.trip(params.get("trip")),
        "dismissed_reason": lambda: params.get("dismissed_reason", ""),
        "status": lambda: _label(CaseStatus, params.get("status")),
        "clear_reason": lambda: _label(ClearReason, params.get("clear_reason")),
        "who": lambda: _who(params, related, html),
    }
    text = message()
    wanted = {key: make() for key, make in values.items() if f"%({key})" in text}
    if not html:
        return text % wanted
    return mark_safe(conditional_escape(text) % {k: conditional_escape(v) for k, v in wanted.items()})


def _as_seen_by(reason: str, params: dict, person_id: int | None) -> tuple[str, dict]:
    """A contact names its other party in the history of one of its two people, and both elsewhere (the
    people re-levelled further along the chain)."""
    if reason not in ("contact_added", "contact_dismissed") or "person" not in params:
        return reason, params
    if person_id == params["other"]:
        return reason, {**params, "other": params["person"]}
    if person_id == params["person"]:
        return reason, params
    return f"{reason}_between", params


def _label(choices, value) -> str:
    return str(choices(value).label) if value in choices.values else str(value or "")


def _who(params: dict, related: Related, html: bool) -> str:
    if "person" in params:
        return related.person(params["person"], html)
    count = params.get("count", 0)
    return ngettext("%(n)d person", "%(n)d people", count) % {"n": count}


def explain(user, rows, *, reason="reason", params="params", legacy="legacy_detail", html=True) -> list:
    """Set `row.because` on each row to its cause in words for `user` (see `describe`). A level change whose
    cause was stored as English text before causes were kept as codes, and that no pattern recognised
    (`row.<legacy>`), shows that text as it is."""
    rows = list(rows)
    related = Related.read(user, [getattr(row, params) or {} for row in rows])
    for row in rows:
        cause = getattr(row, params) or {}
        text = describe(getattr(row, reason), cause, related, person_id=getattr(row, "person_id", None), html=html)
        row.because = getattr(row, legacy, "") or text
    return rows
