from .medicines import medicine_kind_add, medicine_kind_update
from .rules import isolation_rules_add, isolation_rules_apply, isolation_rules_apply_later, rules_due_apply
from .sites import site_capacity_set

__all__ = [
    "isolation_rules_add",
    "isolation_rules_apply",
    "isolation_rules_apply_later",
    "medicine_kind_add",
    "medicine_kind_update",
    "rules_due_apply",
    "site_capacity_set",
]
