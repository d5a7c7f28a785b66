"""Every write of the care app that carries a rule. Views, the API, tracing and tasks call these."""

from .orders import (
    NotEligible,
    contact_record,
    household_order_create,
    medicine_deliver,
    occupancy,
    order_assign,
    order_create,
    order_end,
    order_from_tracing_task,
    orders_in_scope,
    site_capacity_set,
)

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
