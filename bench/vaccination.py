"""Vaccination benchmarks, on the benchmark database that run.py built (Django is set up by run.py).

dcc_issue_per_s       certificates signed on one core: payload from a person and dose, COSE_Sign1 ES256, zlib,
                      Base45, HC1 text (QR rendering excluded) vs a bare ES256 signature of the same bytes
dcc_verify_per_s      HC1 texts decoded, verified and judged on one core vs a bare ES256 verification
coverage_refresh_s    the coverage table rebuilt for a province topped up to 2,426,561 residents and ~4 M doses
                      vs the two raw grouped scans it rests on (persons by unit, doses by person)
coverage_page_p95_ms  a commune's coverage page (p95 of 40 requests) vs a raw sum of that commune's cells
"""

import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection, transaction
from django.test import Client

from labs import page_p95_ms
from phongdich.accounts.models import User
from phongdich.people.models import Person
from phongdich.places.models import AdminUnit, Facility
from phongdich.vaccination.dcc import codec, signer, trust
from phongdich.vaccination.dcc.uvci import new_uvci
from phongdich.vaccination.models import Dose, VaccineProduct
from phongdich.vaccination.services import coverage_refresh
from phongdich.vaccination.services.certificates import payload_for

CENSUS = 2_426_561
SIGNATURES = 3000


def benchmarks(result) -> list[dict]:
    issue, issue_raw, verify, verify_raw = dcc_benchmarks()
    print(f"  certificates: {issue:,.0f} issued/s, {verify:,.0f} verified/s", flush=True)
    residents, doses = top_up()
    print(f"Coverage over {residents:,} residents and {doses:,} doses…", flush=True)
    refresh, refresh_raw = refresh_benchmark()
    print(f"  refreshed in {refresh:.1f} s", flush=True)
    page, page_raw = page_benchmark()
    return [
        result("dcc_issue_per_s", issue, "certificates/s", 500, issue_raw),
        result("dcc_verify_per_s", verify, "certificates/s", 1000, verify_raw),
        result("coverage_refresh_s", refresh, "s", 30, refresh_raw),
        result("coverage_page_p95_ms", page, "ms", 150, page_raw),
    ]


def _per_second(func, count: int) -> float:
    started = time.perf_counter()
    for i in range(count):
        func(i)
    return count / (time.perf_counter() - started)


def dcc_benchmarks() -> tuple[float, float, float, float]:
    key_dir = Path(tempfile.mkdtemp(prefix="bench-dcc-"))
    created = signer.create_signer(key_dir, country="VN", common_name="Bench")
    key = signer.load_private(key_dir, created.key_file)
    product = VaccineProduct.objects.get(code="EU/1/20/1528")
    people = list(Person.objects.exclude(birth_date=None)[:SIGNATURES])
    doses = [Dose(person=p, number=2, product=product, given_on=date(2021, 9, 1)) for p in people]
    now = datetime.now(UTC)
    texts: list[str] = []

    def issue(i):
        hcert = payload_for(people[i], doses[i], new_uvci("VN"))
        texts.append(
            signer.sign(
                hcert, key=key, kid=created.kid, issuer="VN", issued_at=now, expires_at=now + timedelta(days=365)
            )
        )

    issue_rate = _per_second(issue, len(people))
    message = texts[0].encode()
    raw_sign = _per_second(lambda i: key.sign(message, ec.ECDSA(hashes.SHA256())), len(people))
    keys = trust.keys_by_kid([created.certificate_der])
    verdicts = []
    verify_rate = _per_second(lambda i: verdicts.append(codec.verify(texts[i], keys=keys, at=now).valid), len(texts))
    assert all(verdicts)
    signature = key.sign(message, ec.ECDSA(hashes.SHA256()))
    public = key.public_key()
    raw_verify = _per_second(lambda i: public.verify(signature, message, ec.ECDSA(hashes.SHA256())), len(texts))
    return issue_rate, raw_sign, verify_rate, raw_verify


def top_up() -> tuple[int, int]:
    """Copy residents until the province has its census population, then give ~75% a first dose, ~70% a
    second (completing the series) and ~30% a booster; 1 in 7 of them at a site in the last three days, so the
    pages' tables of daily doses have rows. Run again on the same database, it only fills in what is missing."""
    columns = [f.column for f in Person._meta.concrete_fields if f.column != "id"]
    missing = CENSUS - Person.objects.count()
    copied = ", ".join("''" if c in ("id_number", "phone") else c for c in columns)
    now = datetime.now(UTC).isoformat()
    with connection.cursor() as cursor, transaction.atomic():
        names = ", ".join(columns)
        while missing > 0:  # each pass at most doubles the table
            cursor.execute(
                f"INSERT INTO people_person ({names}) SELECT {copied} FROM people_person ORDER BY id LIMIT %s",
                [missing],
            )
            missing -= cursor.rowcount
        product = VaccineProduct.objects.get(code="BBIBP-CorV").pk
        booster = VaccineProduct.objects.get(code="EU/1/20/1528").pk
        site = Facility.objects.filter(kind="vaccination_site").values_list("pk", flat=True).first()
        today = date.today()
        plan = [
            (1, "primary", 0, product, "2021-08-02", 5),
            (2, "primary", 1, product, "2021-09-01", 6),
            (3, "booster", 0, booster, "2021-12-15", 14),
        ]
        for number, kind, completes, product_id, day, floor in plan:
            cursor.execute(
                "INSERT INTO vaccination_dose (person_id, unit_id, number, kind, completes_series, product_id, lot, "
                "given_on, site_id, site_name, vaccinator, source, dose_import_id, recorded_by_id, recorded_at) "
                "SELECT id, unit_id, %s, %s, %s, %s, 'LOT-BENCH', "
                "CASE WHEN id %% 7 = 0 THEN %s ELSE %s END, CASE WHEN id %% 7 = 0 THEN %s END, '', '', 'import', "
                "NULL, NULL, %s FROM people_person WHERE id %% 20 >= %s "
                "AND id > (SELECT COALESCE(MAX(person_id), 0) FROM vaccination_dose WHERE number = %s)",
                [
                    number,
                    kind,
                    completes,
                    product_id,
                    (today - timedelta(days=4 - number)).isoformat(),
                    day,
                    site,
                    now,
                    floor,
                    number,
                ],
            )
        cursor.execute("ANALYZE")
    return Person.objects.count(), Dose.objects.count()


def refresh_benchmark() -> tuple[float, float]:
    coverage_refresh()  # warm the page cache once; the figure is the median of three
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        coverage_refresh()
        timings.append(time.perf_counter() - started)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute("SELECT unit_id, COUNT(*) FROM people_person GROUP BY unit_id")
        cursor.fetchall()
        cursor.execute("SELECT person_id, MAX(number) FROM vaccination_dose GROUP BY person_id")
        cursor.fetchall()
        raw = time.perf_counter() - started
    return statistics.median(timings), raw


def page_benchmark() -> tuple[float, float]:
    commune = AdminUnit.objects.get(structure="legacy", code="25966")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="xa.laithieu"))

    def raw():
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT band, SUM(residents), SUM(one_dose), SUM("full"), SUM(boosted) FROM vaccination_coveragecell '
                "WHERE unit_path LIKE %s GROUP BY band",
                [commune.path + "%"],
            )
            cursor.fetchall()

    return page_p95_ms(client, f"/vaccination/units/{commune.pk}/", raw)
