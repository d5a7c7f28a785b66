"""Every write in vaccination goes through one of these functions (see design rule 1)."""

from .allocation import allocation_set, delivery_record, shipment_approve, shipment_propose
from .certificates import certificate_issue, certificate_revoke, may_certify, signing_key_create
from .coverage import coverage_refresh
from .doses import DoseCheck, dose_check, dose_record, review_row_decide
from .rules import RULE_FIELDS, target_add, vaccination_rules_add

__all__ = [
    "RULE_FIELDS",
    "DoseCheck",
    "allocation_set",
    "certificate_issue",
    "certificate_revoke",
    "coverage_refresh",
    "delivery_record",
    "dose_check",
    "dose_record",
    "may_certify",
    "review_row_decide",
    "shipment_approve",
    "shipment_propose",
    "signing_key_create",
    "target_add",
    "vaccination_rules_add",
]
