"""Every write of the care app that carries a rule. Views, the API, tracing and tasks call these."""

from .order_changes import (
    contact_record,
    medicine_deliver,
    order_assign,
    order_end,
    orders_in_scope,
    site_capacity_set,
)
from .orders import NotEligible, household_order_create, occupancy, order_create, order_from_tracing_task

__all__ = [
    "NotEligible",
    "contact_record",
    "household_order_create",
    "medicine_deliver",
    "occupancy",
    "order_assign",
    "order_create",
    "order_end",
    "order_from_tracing_task",
    "orders_in_scope",
    "site_capacity_set",
]
