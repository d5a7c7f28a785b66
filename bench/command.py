"""Command-centre benchmarks, on the benchmark database that run.py built (Django is set up by run.py).

daily_figures_refresh_s  the periodic refresh after a day's new records (CASES_TODAY cases) came in, beside the
                         labs group's million results of the day: yesterday and today recomputed for every unit and
                         rolled up the tree, the stocks carried from the day before's rows (every run but the day's
                         first, whose time is printed), with 1,000,000 persons and CASES cases in the database, vs
                         `figures_rebuild` of today alone (the same derivation from the raw rows, without the
                         watermarks)
dashboard_p95_ms         the province's dashboard (/command/) as the province commander, cycling over the last 40
                         days (p95 of 40), over DAYS days of daily figures for every unit of the province, vs a page
                         of the same layout with nothing to compute (/accounts/password/done/)
sitrep_pdf_s             the province's situation report of today as PDF (best of 3), rolled up: it quotes the report
                         Thuận An's command centre signed and sent, and lists the districts that have not reported;
                         vs WeasyPrint writing a one-page A4 document in the same fonts

Set-up (not measured): cases are added straight into the table until there are CASES, spread over the DAYS days
before today with every detection setting, a few deaths and recoveries; then the DAYS days of daily figures are
rebuilt from the raw rows (its time is printed). Cases an earlier run added are removed first, so
`run.py --only command` can run again.
"""

import random
import time
from datetime import UTC, datetime, timedelta
from datetime import time as day_time

from django.db import connection
from django.test import Client

import harness
from phongdich.accounts.models import User
from phongdich.command.figures import figures_rebuild, figures_refresh
from phongdich.command.models import DailyFigures, SituationReport
from phongdich.command.reports.documents import report_pdf
from phongdich.command.reports.services import report_generate, report_send, report_sign, report_write
from phongdich.core import clock
from phongdich.places.models import AdminUnit
from phongdich.surveillance.models import Case
from tracing import insert, ts

CASES = 100_000
CASES_TODAY = 2_000
DAYS = 365
NOTE = "bench:command"
COMMANDER, DISTRICT = "tinh.chihuy", "huyen.thuanan"
SETTINGS = ["community"] * 5 + ["quarantine"] * 3 + ["lockdown", "checkpoint", "imported_province", "imported_abroad"]


def benchmarks(result) -> list[dict]:
    clock.use(None)
    today = clock.today()
    rng = random.Random(18)
    forget_earlier_runs()
    units = AdminUnit.objects.count()
    added = add_cases(rng, CASES - Case.objects.count(), today)
    print(f"Daily figures: {units:,} units, {Case.objects.count():,} cases ({added:,} added), {DAYS} days…", flush=True)
    started = time.perf_counter()
    figures_rebuild(since=today - timedelta(days=DAYS - 1), until=today)
    rows = DailyFigures.objects.count()
    print(f"  rebuilt {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    figures_refresh()  # the day's first run: the watermarks past the set-up's rows, the stocks from the raw rows
    first_run = time.perf_counter() - started
    refresh, one_day = refresh_benchmark(rng, today)
    print(
        f"  refresh {refresh:.2f} s after a day's records (the day's first run {first_run:.2f} s; today rebuilt "
        f"alone {one_day:.2f} s)",
        flush=True,
    )
    dashboard, simple_page = dashboard_benchmark(today)
    print(f"  province dashboard p95 {dashboard:.1f} ms (a page of the same layout {simple_page:.1f} ms)", flush=True)
    sitrep, one_page = sitrep_benchmark(today)
    print(f"  province situation report as PDF {sitrep:.2f} s (a one-page document {one_page:.2f} s)", flush=True)
    return [
        result("daily_figures_refresh_s", refresh, "s", 10, one_day),
        result("dashboard_p95_ms", dashboard, "ms", 200, simple_page),
        result("sitrep_pdf_s", sitrep, "s", 5, one_page),
    ]


def forget_earlier_runs() -> None:
    Case.objects.filter(notes=NOTE).delete()
    SituationReport.objects.filter(created_by__username__in=[COMMANDER, DISTRICT]).delete()


def add_cases(rng: random.Random, count: int, today, *, days: int = DAYS) -> int:
    """`count` cases of people who have none, confirmed over the `days` days up to today."""
    if count <= 0:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.id, p.unit_id FROM people_person p WHERE p.merged_into_id IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM surveillance_case c WHERE c.person_id = p.id) ORDER BY p.id"
        )
        people = cursor.fetchall()
    chosen = rng.sample(people, min(count, len(people)))
    columns = [
        "person_id", "episode", "national_code", "unit_id", "confirmed_at", "confirmation_test", "detection_setting",
        "severity", "status", "status_changed_at", "infectious_from", "notes", "created_at",
    ]  # fmt: skip
    first = datetime.combine(today - timedelta(days=days - 1), day_time(1), UTC)
    span = days * 24 * 60 - 120
    rows = []
    for person, unit in chosen:
        confirmed = first + timedelta(minutes=rng.randrange(span))
        status = rng.choices(["active", "recovered", "died"], weights=[60, 39, 1])[0]
        changed = ts(confirmed + timedelta(days=rng.randint(1, 14))) if status != "active" else None
        rows.append(
            (person, 1, "", unit, ts(confirmed), "rt_pcr", rng.choice(SETTINGS), "mild", status, changed,
             ts(confirmed - timedelta(days=3)), NOTE, ts(confirmed))
        )  # fmt: skip
    insert(Case._meta.db_table, columns, rows)
    return len(rows)


def refresh_benchmark(rng: random.Random, today) -> tuple[float, float]:
    """A day's cases come in (as the lists and the labs bring them); the refresh the task runs every ten minutes."""
    add_cases(rng, CASES_TODAY, today, days=1)
    started = time.perf_counter()
    figures_refresh()
    refresh = time.perf_counter() - started
    started = time.perf_counter()
    figures_rebuild(since=today, until=today)
    return refresh, time.perf_counter() - started


def dashboard_benchmark(today) -> tuple[float, float]:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username=COMMANDER))
    days = [(today - timedelta(days=n)).isoformat() for n in range(1, 41)]
    turn = iter(range(10**6))
    dashboard = harness.page_p95_ms(lambda: client.get("/command/", {"day": days[next(turn) % len(days)]}), 40)
    return dashboard, harness.page_p95_ms(lambda: client.get("/accounts/password/done/"), 40)


def sitrep_benchmark(today) -> tuple[float, float]:
    """Thuận An signs and sends its report; the province generates its own, which quotes it."""
    from weasyprint import HTML

    commander, district = User.objects.get(username=COMMANDER), User.objects.get(username=DISTRICT)
    thuan_an = AdminUnit.objects.get(pk=district.role_assignments.values_list("unit_id", flat=True).first())
    sent = report_generate(actor=district, unit=thuan_an, day=today)
    report_write(actor=district, report=sent, narratives={"difficulties": "Thiếu ô xy tại tầng 2.", "proposals": ""})
    report_send(actor=district, report=report_sign(actor=district, report=sent, signer_title="PHÓ CHỦ TỊCH"))
    province = report_generate(actor=commander, unit=AdminUnit.objects.get(path=AdminUnit.root_path()), day=today)
    timings = []
    for _run in range(3):
        started = time.perf_counter()
        pdf = report_pdf(SituationReport.objects.get(pk=province.pk))
        timings.append(time.perf_counter() - started)
        assert pdf.startswith(b"%PDF")
    one_page = '<html lang="vi"><body style="font-family: DejaVu Serif"><p>Báo cáo nhanh</p></body></html>'
    baseline = []
    for _run in range(3):
        started = time.perf_counter()
        HTML(string=one_page).write_pdf()
        baseline.append(time.perf_counter() - started)
    return min(timings), min(baseline)
