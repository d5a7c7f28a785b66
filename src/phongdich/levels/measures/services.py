"""Measures by level as data: a new version, province-wide, checked activity by activity and level by level before it
is stored. Earlier versions are never edited: the province's adjustment of the annex is a version of its own."""

from datetime import date

from django.utils.translation import gettext as _

from phongdich.core.rules import version_add

from ..choices import Activity, Level, LimitKind, MeasureStatus
from ..models import MeasureRules

LEVELS = tuple(str(level) for level in Level.values)  # the keys of each activity's entries: "1" … "4"
NOTE_LENGTH = 300
NAME_LENGTH = 200


def measure_rules_add(
    *,
    actor,
    effective_from: date,
    source_document: str,
    document_date: date | None,
    name: str,
    measures: dict,
    verify: list[str] | None = None,
) -> MeasureRules:
    """A new version of the measures by level from `effective_from`, citing its document. `measures` is
    {activity: {"1": {"status", "limit", "limit_kind", "note"}, …, "4": …}} for every activity of the annex;
    `verify` names the values still to be checked against the documents ("activity" or "activity.level")."""
    verify = list(verify or [])
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Give the version a name.")]
    elif len(name.strip()) > NAME_LENGTH:
        errors["name"] = [_("The name is at most %(n)d characters.") % {"n": NAME_LENGTH}]
    if found := measures_errors(measures):
        errors["measures"] = found
    if found := verify_errors(verify):
        errors["verify"] = found
    tidied = measures_tidied(measures) if "measures" not in errors else {}
    return version_add(
        actor=actor,
        model=MeasureRules,
        effective_from=effective_from,
        source_document=source_document,
        document_date=document_date,
        values={
            "name": (name or "").strip(),
            "by_level": differs_by_level(tidied),
            "measures": tidied,
            "verify": sorted(set(verify), key=_verify_order) if "verify" not in errors else verify,
        },
        fields=["name", "by_level", "measures", "verify"],
        limits={},
        refusal=_("Only the province changes the measures by level."),
        errors=errors,
    )


# -- Checking a table of measures ------------------------------------------------------------------------------


def where(activity: str, level: str) -> str:
    """ "Traditional markets, level 4": how a message names a cell of the table."""
    return _("%(activity)s, level %(level)s") % {"activity": Activity(activity).label, "level": level}


def measures_errors(measures) -> list[str]:
    """Every fault of a table of measures, each naming its activity and level; [] for a table fit to store."""
    if not isinstance(measures, dict):
        return [_("Give the measures of every activity at each of the four levels.")]
    errors = []
    for activity in measures:
        if activity not in Activity.values:
            errors.append(_("“%(activity)s” is not an activity of the annex.") % {"activity": activity})
    for activity in Activity.values:
        by_level = measures.get(activity)
        if not isinstance(by_level, dict):
            errors.append(
                _("%(activity)s: give its measures at each of the four levels.")
                % {"activity": Activity(activity).label}
            )
            continue
        for level in by_level:
            if level not in LEVELS:
                errors.append(
                    _("%(activity)s: “%(level)s” is not a level (1 to 4).")
                    % {"activity": Activity(activity).label, "level": level}
                )
        for level in LEVELS:
            errors += entry_errors(by_level.get(level), activity, level)
    return errors


def entry_errors(entry, activity: str, level: str) -> list[str]:
    """The faults of one cell: its status, its limit (a whole number of people, or a share of capacity up to 100 %,
    and only on "open with a limit", which needs one) and its note."""
    cell = where(activity, level)
    if not isinstance(entry, dict) or not entry.get("status"):
        return [
            _("%(where)s: choose whether it is open, open with a limit, closed, or left to the province.")
            % {"where": cell}
        ]
    status, limit, kind = entry["status"], entry.get("limit"), entry.get("limit_kind") or ""
    errors = []
    if status not in MeasureStatus.values:
        errors.append(_("%(where)s: “%(status)s” is not a status.") % {"where": cell, "status": status})
    if limit is None or limit == "":
        if status == MeasureStatus.LIMITED:
            errors.append(_("%(where)s: open with a limit needs the limit.") % {"where": cell})
    elif status in MeasureStatus.values and status != MeasureStatus.LIMITED:
        errors.append(
            _("%(where)s: a limit goes only with “open with a limit”, not with “%(status)s”.")
            % {"where": cell, "status": MeasureStatus(status).label}
        )
    elif not _whole(limit) or limit < 1:
        errors.append(_("%(where)s: the limit is a whole number, at least 1.") % {"where": cell})
    elif kind not in LimitKind.values:
        errors.append(
            _("%(where)s: say whether the limit is a number of people or a share of capacity.") % {"where": cell}
        )
    elif kind == LimitKind.PERCENT and limit > 100:
        errors.append(
            _("%(where)s: a share of capacity is at most 100 %%, not %(limit)d %%.") % {"where": cell, "limit": limit}
        )
    note = entry.get("note") or ""
    if not isinstance(note, str):
        errors.append(_("%(where)s: the note is text.") % {"where": cell})
    elif len(note) > NOTE_LENGTH:
        errors.append(_("%(where)s: the note is at most %(n)d characters.") % {"where": cell, "n": NOTE_LENGTH})
    return errors


def verify_errors(verify) -> list[str]:
    """The names of values to verify are an activity ("meetings") or one of its levels ("meetings.4")."""
    if not isinstance(verify, list):
        return [_("List the values to verify as activities, or activities and levels.")]
    errors = []
    for key in verify:
        activity, _dot, level = str(key).partition(".")
        if activity not in Activity.values or (level and level not in LEVELS):
            errors.append(_("“%(key)s” names no activity or level of the annex.") % {"key": key})
    return errors


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _verify_order(key: str) -> tuple[int, str]:
    activity, _dot, level = key.partition(".")
    return (Activity.values.index(activity), level)


def measures_tidied(measures: dict) -> dict:
    """A valid table as stored: the activities in the annex's order, each level with its four keys, the limit kind
    empty without a limit, notes trimmed."""
    tidied: dict[str, dict] = {}
    for activity in Activity.values:
        tidied[activity] = {}
        for level in LEVELS:
            entry = measures[activity][level]
            limit = entry.get("limit") if entry.get("limit") != "" else None
            tidied[activity][level] = {
                "status": str(entry["status"]),
                "limit": limit,
                "limit_kind": str(entry.get("limit_kind") or "") if limit is not None else "",
                "note": (entry.get("note") or "").strip(),
            }
    return tidied


def differs_by_level(measures: dict) -> bool:
    """Whether any activity's measures differ from one level to another (a pre-128 document's do not)."""
    return any(len({_key(entry) for entry in by_level.values()}) > 1 for by_level in measures.values())


def _key(entry: dict) -> tuple:
    return (entry["status"], entry["limit"], entry["limit_kind"], entry["note"])
