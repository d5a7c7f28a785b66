"""Who may be treated at home: the criteria of the `EligibilityRules` version in force on the start date, checked
at enrolment. A version's `criteria` is a list of {"code": …, parameters}:

  {"code": "symptoms_at_most", "severity": "mild"}     clinical state no worse than this (surveillance Severity)
  {"code": "breathing_below", "value": 20,              breathing rate under `value` a minute, or under the
   "by_age": [{"from_age": 1, "below_age": 5, "value": 40}, …]}   value of the person's age band
  {"code": "spo2_above", "value": 96}                   SpO₂ on room air over `value` %
  {"code": "age_between", "from_years": 1, "below_years": 50, "unless_vaccinated": true}
                                                        age on the start date; older people too when fully
                                                        vaccinated, if the document says so
  {"code": "chronic_stable"}                            no chronic disease, or one recorded as stable
  {"code": "not_pregnant"}

A criterion that needs a measurement fails when it was not measured: the person is then enrolled by a health worker
who measures. A failure is stored as its code and values and put into words when shown, in the reader's language.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from phongdich.core.rules import in_force
from phongdich.people.models import Person
from phongdich.surveillance.choices import Severity as ClinicalState

from .choices import Condition, Severity
from .models import EligibilityRules

STATE_ORDER = [state.value for state in ClinicalState]  # asymptomatic, mild, moderate, severe, critical
# The band an F0 is followed in, from the clinical state recorded at enrolment.
SEVERITY_OF_STATE = {
    ClinicalState.ASYMPTOMATIC: Severity.MILD,
    ClinicalState.MILD: Severity.MILD,
    ClinicalState.MODERATE: Severity.MODERATE,
    ClinicalState.SEVERE: Severity.SEVERE,
    ClinicalState.CRITICAL: Severity.SEVERE,
}


@dataclass(frozen=True)
class Facts:
    """What the criteria are checked against: the person's record and the measurements taken at enrolment."""

    age: int | None
    pregnant: bool
    chronic_disease: bool
    chronic_stable: bool
    vaccinated: bool
    state: str | None  # clinical state (surveillance Severity)
    breathing_rate: int | None
    spo2: int | None


def facts_of(person: Person, starts_on: date, measurements: dict, condition: str, case=None) -> Facts:
    state = measurements.get("state") or (case.severity if case is not None else None)
    return Facts(
        age=person.age_on(starts_on),
        pregnant=person.pregnant,
        chronic_disease=person.chronic_disease,
        chronic_stable=bool(measurements.get("chronic_stable")),
        vaccinated=condition == Condition.VACCINATED,
        state=state or None,
        breathing_rate=_number(measurements.get("breathing_rate")),
        spo2=_number(measurements.get("spo2")),
    )


def _number(value) -> int | None:
    return None if value in (None, "") else int(value)


@dataclass(frozen=True)
class Eligibility:
    rules: EligibilityRules
    facts: Facts
    failures: list[dict] = field(default_factory=list)  # {"code", and the values its message names}

    @property
    def eligible(self) -> bool:
        return not self.failures

    def messages(self) -> list[str]:
        return [describe(failure) for failure in self.failures]

    def as_stored(self) -> dict:
        """What an order keeps of its enrolment check (IsolationOrder.eligibility)."""
        return {
            "rules": self.rules.pk,
            "source_document": self.rules.source_document,
            "eligible": self.eligible,
            "failures": self.failures,
            "measured": {
                "state": self.facts.state,
                "breathing_rate": self.facts.breathing_rate,
                "spo2": self.facts.spo2,
                "chronic_stable": self.facts.chronic_stable,
                "age": self.facts.age,
            },
        }


def check(person: Person, starts_on: date, measurements: dict | None, condition: str, case=None) -> Eligibility:
    """The person checked against every criterion in force on `starts_on`."""
    rules = in_force(EligibilityRules, starts_on)
    facts = facts_of(person, starts_on, measurements or {}, condition, case)
    failures = []
    for criterion in rules.criteria or []:
        evaluate = CRITERIA.get(criterion.get("code", ""), _unknown)
        failure = evaluate(criterion, facts)
        if failure is not None:
            failures.append(failure)
    return Eligibility(rules=rules, facts=facts, failures=failures)


def _symptoms_at_most(criterion: dict, facts: Facts) -> dict | None:
    limit = criterion.get("severity", ClinicalState.MILD)
    if facts.state is not None and _rank(facts.state) <= _rank(limit):
        return None
    return {"code": "symptoms_at_most", "measured": facts.state, "limit": limit}


def _rank(state: str) -> int:
    return STATE_ORDER.index(state) if state in STATE_ORDER else len(STATE_ORDER)


def _breathing_below(criterion: dict, facts: Facts) -> dict | None:
    limit = criterion.get("value", 20)
    for band in criterion.get("by_age") or []:
        if facts.age is not None and band.get("from_age", 0) <= facts.age < band.get("below_age", 200):
            limit = band["value"]
            break
    if facts.breathing_rate is not None and facts.breathing_rate < limit:
        return None
    return {"code": "breathing_below", "measured": facts.breathing_rate, "limit": limit}


def _spo2_above(criterion: dict, facts: Facts) -> dict | None:
    limit = criterion.get("value", 96)
    if facts.spo2 is not None and facts.spo2 > limit:
        return None
    return {"code": "spo2_above", "measured": facts.spo2, "limit": limit}


def _age_between(criterion: dict, facts: Facts) -> dict | None:
    low, below = criterion.get("from_years", 0), criterion.get("below_years", 200)
    unless_vaccinated = bool(criterion.get("unless_vaccinated"))
    age = facts.age
    if age is not None and (low <= age < below or (unless_vaccinated and facts.vaccinated and age >= below)):
        return None
    return {
        "code": "age_between",
        "measured": facts.age,
        "from": low,
        "below": below,
        "unless_vaccinated": unless_vaccinated,
    }


def _chronic_stable(criterion: dict, facts: Facts) -> dict | None:
    if not facts.chronic_disease or facts.chronic_stable:
        return None
    return {"code": "chronic_stable"}


def _not_pregnant(criterion: dict, facts: Facts) -> dict | None:
    return {"code": "not_pregnant"} if facts.pregnant else None


def _unknown(criterion: dict, facts: Facts) -> dict | None:
    return {"code": "unknown", "criterion": str(criterion.get("code", ""))}


CRITERIA: dict[str, Callable[[dict, Facts], dict | None]] = {
    "symptoms_at_most": _symptoms_at_most,
    "breathing_below": _breathing_below,
    "spo2_above": _spo2_above,
    "age_between": _age_between,
    "chronic_stable": _chronic_stable,
    "not_pregnant": _not_pregnant,
}


def describe(failure: dict) -> str:
    """A failed criterion in words: which one, and the value measured."""
    code = failure.get("code")
    if code == "symptoms_at_most":
        limit = _state_label(failure["limit"])
        if failure.get("measured") is None:
            return _("Clinical state not recorded: home treatment takes people whose state is at most “%(limit)s”.") % {
                "limit": limit
            }
        return _("Clinical state “%(measured)s”: home treatment takes people whose state is at most “%(limit)s”.") % {
            "measured": _state_label(failure["measured"]),
            "limit": limit,
        }
    if code == "breathing_below":
        if failure.get("measured") is None:
            return _("Breathing rate not measured: home treatment needs under %(limit)s a minute.") % failure
        return _("Breathing rate %(measured)s a minute: home treatment needs under %(limit)s.") % failure
    if code == "spo2_above":
        if failure.get("measured") is None:
            return _("SpO₂ not measured: home treatment needs over %(limit)s%% on room air.") % failure
        return _("SpO₂ %(measured)s%%: home treatment needs over %(limit)s%% on room air.") % failure
    if code == "age_between":
        return _age_message(failure)
    if code == "chronic_stable":
        return _("Chronic disease not recorded as stable: home treatment needs none, or one under stable treatment.")
    if code == "not_pregnant":
        return _("Pregnant: home treatment under these rules does not take pregnant women.")
    return _("Unknown criterion “%(code)s” in the eligibility rules: ask the province's administrator.") % {
        "code": failure.get("criterion", code)
    }


def _age_message(failure: dict) -> str:
    values = {"age": failure.get("measured"), "from": failure["from"], "below": failure["below"]}
    if failure.get("measured") is None:
        return _("Age not recorded: home treatment takes people from %(from)s to under %(below)s years old.") % values
    if failure.get("unless_vaccinated"):
        return (
            _(
                "Age %(age)s, not fully vaccinated: home treatment takes people from %(from)s to under %(below)s years "
                "old, or older when fully vaccinated."
            )
            % values
        )
    return _("Age %(age)s: home treatment takes people from %(from)s to under %(below)s years old.") % values


def criterion_words(criterion: dict) -> str:
    """A criterion of a version as the rules page states it, in the reader's language."""
    code = criterion.get("code", "")
    if code == "symptoms_at_most":
        return _("Clinical state at most “%(limit)s”") % {"limit": _state_label(criterion.get("severity", "mild"))}
    if code == "breathing_below":
        text = _("Breathing rate under %(value)s a minute") % {"value": criterion.get("value", 20)}
        bands = [
            _("from %(from)s to under %(below)s years: under %(value)s")
            % {"from": band.get("from_age", 0), "below": band.get("below_age", 200), "value": band["value"]}
            for band in criterion.get("by_age") or []
        ]
        return f"{text} ({'; '.join(bands)})" if bands else text
    if code == "spo2_above":
        return _("SpO₂ over %(value)s%% on room air") % {"value": criterion.get("value", 96)}
    if code == "age_between":
        values = {"from": criterion.get("from_years", 0), "below": criterion.get("below_years", 200)}
        if criterion.get("unless_vaccinated"):
            return _("Aged from %(from)s to under %(below)s years, or older when fully vaccinated") % values
        return _("Aged from %(from)s to under %(below)s years") % values
    if code == "chronic_stable":
        return _("No chronic disease, or one under stable treatment")
    if code == "not_pregnant":
        return _("Not pregnant")
    return _("Unknown criterion “%(code)s”") % {"code": code}


def _state_label(state) -> str:
    return str(ClinicalState(state).label) if state in ClinicalState.values else str(state)


def severity_for(state: str | None, eligible: bool) -> str:
    """The band an F0 is followed in: mild when they may be treated at home, else from their clinical state."""
    if eligible:
        return Severity.MILD
    return SEVERITY_OF_STATE.get(state, "") if state else ""  # type: ignore[call-overload]
