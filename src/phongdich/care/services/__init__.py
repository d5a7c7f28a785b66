"""Every write of the care app that carries a rule. Views, the API, tracing and tasks call these."""

from .medicines import medicine_kind_add, medicine_kind_update
from .order_changes import contact_record, medicine_deliver, order_assign, order_end, orders_in_scope
from .orders import NotEligible, household_order_create, order_create, order_from_tracing_task
from .rules import isolation_rules_add, isolation_rules_apply, isolation_rules_apply_later, rules_due_apply
from .sites import site_capacity_set

__all__ = [
    "NotEligible",
    "contact_record",
    "household_order_create",
    "isolation_rules_add",
    "isolation_rules_apply",
    "isolation_rules_apply_later",
    "medicine_deliver",
    "medicine_kind_add",
    "medicine_kind_update",
    "order_assign",
    "order_create",
    "order_end",
    "order_from_tracing_task",
    "orders_in_scope",
    "rules_due_apply",
    "site_capacity_set",
]
