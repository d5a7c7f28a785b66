"""Isolation-rules benchmark, on the benchmark database that run.py built (Django is set up by run.py).

isolation_rules_apply_s  1909/BYT-DP (F1 no longer quarantined) applied to 500,000 active F1 home-quarantine orders
                         planned under 762/BYT-DP: every order released slice by slice with one audit row each
                         (care.services.isolation_rules_apply), vs one raw UPDATE of the same rows' status

The orders are inserted in bulk as set-up (not measured) and removed afterwards with their audit rows, so
`run.py --only care_rules` can run again on the same database.
"""

import time
from datetime import UTC, date, datetime

from django.db import connection, transaction

from phongdich.care.models import IsolationOrder, IsolationRules
from phongdich.care.services import isolation_rules_apply
from phongdich.core.models import AuditEvent
from phongdich.people.models import Person
from tracing import insert

ORDERS = 500_000
MARK = "bench-care-rules"  # the group code of the benchmark's orders
STARTS_ON = date(2022, 4, 10)


def benchmarks(result) -> list[dict]:
    ending = IsolationRules.objects.get(source_document__contains="1909/BYT-DP")
    before = IsolationRules.objects.get(source_document__contains="762/BYT-DP")
    remove_orders()
    print(f"Inserting {ORDERS:,} active F1 home-quarantine orders…", flush=True)
    insert_orders(before)
    baseline = raw_update_seconds()
    IsolationRules.objects.filter(pk=ending.pk).update(applied_at=None)
    ending.refresh_from_db()
    started = time.perf_counter()
    released = isolation_rules_apply(version=ending)
    seconds = time.perf_counter() - started
    print(f"  {released:,} orders released in {seconds:.1f} s (raw UPDATE: {baseline:.1f} s)", flush=True)
    if released != ORDERS:
        raise RuntimeError(f"{released:,} orders released, {ORDERS:,} expected")
    remove_orders()
    return [result("isolation_rules_apply_s", seconds, "s", 60, baseline)]


def insert_orders(rules: IsolationRules) -> None:
    """The orders, straight into the table: every NOT NULL column given, as the ORM would write it."""
    plan = rules.durations["f1_home"]["none"]
    people = Person.objects.order_by("pk").values_list("pk", "unit_id", "household_id")[:ORDERS]
    created = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    fixed = {
        "kind": "f1_home",
        "status": "active",
        "group_code": MARK,
        "address": "",
        "team": "",
        "starts_on": STARTS_ON.isoformat(),
        "planned_end": date(2022, 4, 16).isoformat(),
        "test_days": '["2022-04-16"]',
        "release_test": plan["test"],
        "rules_id": rules.pk,
        "condition": "none",
        "condition_params": "{}",
        "severity": "",
        "eligibility": "{}",
        "end_reason": "",
        "end_params": "{}",
        "certificate_code": "",
        "created_at": created,
    }
    columns = ["person_id", "unit_id", "household_id", *fixed]
    values = tuple(fixed.values())
    insert(IsolationOrder._meta.db_table, columns, [(*person, *values) for person in people])


def raw_update_seconds() -> float:
    """One UPDATE setting the status of the same rows, in one transaction; then the rows are made active again."""
    table = IsolationOrder._meta.db_table
    with connection.cursor() as cursor:
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute(
                f"UPDATE {table} SET status = 'released' WHERE group_code = %s AND status = 'active'", [MARK]
            )
        seconds = time.perf_counter() - started
        with transaction.atomic():
            cursor.execute(f"UPDATE {table} SET status = 'active' WHERE group_code = %s", [MARK])
    return seconds


def remove_orders() -> None:
    """The benchmark's orders and the audit rows their release wrote."""
    table, audit = IsolationOrder._meta.db_table, AuditEvent._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {audit} WHERE object_type = 'care.isolationorder' AND object_id IN "
            f"(SELECT CAST(id AS TEXT) FROM {table} WHERE group_code = %s)",
            [MARK],
        )
        cursor.execute(f"DELETE FROM {table} WHERE group_code = %s", [MARK])
