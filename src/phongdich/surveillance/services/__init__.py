"""Surveillance writes, one module per subject; every rule-carrying write is imported from here.

Every change that can move an F-level (a case, a contact, a clearance, a check-in match, a manifest)
re-levels around it through `levels_update` (see flevels.py), which also opens the door-to-door tasks.
"""

from phongdich.people.cards import CARD_PREFIX, person_card_text

from .cases import (
    SYSTEM_MATCHER,
    case_confirm,
    case_status_set,
    exposure_match_later,
    exposure_match_record,
    trip_contacts,
)
from .checkins import MAX_BATCH, ItemResult, checkin_batch_ingest, checkin_self_record
from .contacts import contact_record, contact_review
from .levels import (
    clusters_rebuild,
    contacts_clear,
    levels_recompute,
    levels_update,
    person_clear,
    tracing_rules_add,
)
from .tracing_tasks import task_assign, task_outcome_record

__all__ = [
    "CARD_PREFIX",
    "MAX_BATCH",
    "SYSTEM_MATCHER",
    "ItemResult",
    "case_confirm",
    "case_status_set",
    "checkin_batch_ingest",
    "checkin_self_record",
    "clusters_rebuild",
    "contact_record",
    "contacts_clear",
    "contact_review",
    "exposure_match_later",
    "exposure_match_record",
    "levels_recompute",
    "levels_update",
    "person_card_text",
    "person_clear",
    "task_assign",
    "task_outcome_record",
    "tracing_rules_add",
    "trip_contacts",
]
