"""The isolation rules the platform starts with: one version per change of the Ministry of Health's rules
(domain.md §5), each citing its document. Province administrators add later versions as rows; this is only
where they start. "(cần đối chiếu)" in a document's name marks what was not checked against the document
itself (docs/architecture.md, "Isolation rules", says which values).

A plan is {"days": isolation days, "monitor_days": self-monitoring days after it, "test_days": [day numbers,
day 1 = the start], "test": care.choices.ReleaseTest}; `durations` holds one per order kind and condition
(fully vaccinated, recovered within `recovered_months`, neither). A kind left out is not ordered under that
version."""

from datetime import date

F0_HOME, F0_SITE, F1_HOME, F1_SITE = "f0_home", "f0_site", "f1_home", "f1_site"
ARRIVAL, SELF_MONITORING = "arrival", "self_monitoring"
NONE_TEST, ANTIGEN, RT_PCR, ANY_TEST = "none", "antigen", "rt_pcr", "any"


def plan(days: int, monitor_days: int, test_days: list[int], test: str) -> dict:
    return {"days": days, "monitor_days": monitor_days, "test_days": test_days, "test": test}


def alike(one: dict) -> dict:
    """The same plan whatever the person's protection (before 12/2021 it did not shorten anything)."""
    return {"vaccinated": one, "recovered": one, "none": one}


def protected(shorter: dict, longer: dict) -> dict:
    """One plan for the fully vaccinated and the recently recovered, another for the rest."""
    return {"vaccinated": shorter, "recovered": shorter, "none": longer}


# Hospital discharge (F0 at a concentrated treatment site follows it too).
DISCHARGE_3416 = {
    "day": 10,
    "negative_tests": 2,
    "hours_apart": 24,
    "ct_at_least": 30,
    "home_days": 14,
    "monitor_days": 0,
}
DISCHARGE_2022 = {
    "day": 10,
    "negative_tests": 1,
    "hours_apart": 0,
    "ct_at_least": 30,
    "home_days": 0,
    "monitor_days": 7,
}

SELF_MONITORING_14 = alike(plan(14, 0, [], NONE_TEST))

# 3/2020: F1 and people arriving from abroad spent 14 days at a concentrated site.
V2020 = {
    F1_SITE: alike(plan(14, 14, [1, 14], RT_PCR)),
    ARRIVAL: alike(plan(14, 14, [1, 14], RT_PCR)),
    SELF_MONITORING: SELF_MONITORING_14,
}
# 5/2021: 21 days at a concentrated site, then health watched at home up to 14 days (597/CĐ-BCĐ, 5/5/2021).
V2021_05 = {
    F1_SITE: alike(plan(21, 14, [1, 7, 14, 21], RT_PCR)),
    ARRIVAL: alike(plan(21, 14, [1, 7, 14, 21], RT_PCR)),
    SELF_MONITORING: SELF_MONITORING_14,
}
# 5599/BYT-MT and 3416/QĐ-BYT, 14/7/2021: 14 days concentrated then 14 days' monitoring at home; home quarantine
# piloted for 14 days; F0 at concentrated treatment sites discharged on day 10 as from hospital.
F1_14_DAYS = alike(plan(14, 14, [1, 7, 14], RT_PCR))
F0_SITE_3416 = alike(plan(10, 14, [9, 10], RT_PCR))
V5599 = {
    F0_SITE: F0_SITE_3416,
    F1_HOME: F1_14_DAYS,
    F1_SITE: F1_14_DAYS,
    ARRIVAL: F1_14_DAYS,
    SELF_MONITORING: SELF_MONITORING_14,
}
# 4038/QĐ-BYT, 21/8/2021: F0 treated at home, released after 10 days with a negative rapid antigen test done or
# supervised by a health worker.
F0_HOME_10_DAYS = alike(plan(10, 7, [10], ANTIGEN))
V4038 = {F0_HOME: F0_HOME_10_DAYS, **V5599}
# 10696/BYT-MT, 16/12/2021: an F1 fully vaccinated or recovered within 6 months: 7 days at home, tests days 1
# and 7, then 7 days' self-monitoring; the others as before.
F1_10696 = protected(plan(7, 7, [1, 7], RT_PCR), plan(14, 0, [1, 7, 14], RT_PCR))
V10696 = {
    F0_HOME: F0_HOME_10_DAYS,
    F0_SITE: F0_SITE_3416,
    F1_HOME: F1_10696,
    F1_SITE: F1_10696,
    ARRIVAL: F1_10696,
    SELF_MONITORING: SELF_MONITORING_14,
}
# Early 2022: discharge with one negative test (or Ct ≥ 30), then 7 days' self-monitoring.
F0_SITE_2022 = alike(plan(10, 7, [10], ANY_TEST))
V2022_01 = {**V10696, F0_SITE: F0_SITE_2022}
# 762/BYT-DP, 21/2/2022: F1 with two doses or recovered within 3 months: 5 days, test day 5, then 5 days'
# self-monitoring; other F1: 7 days, test day 7, then 3 days. F0 at home: released after 7 days with a negative
# rapid antigen test.
F1_762 = protected(plan(5, 5, [5], ANY_TEST), plan(7, 3, [7], ANY_TEST))
F0_HOME_7_DAYS = alike(plan(7, 3, [7], ANTIGEN))
V762 = {
    F0_HOME: F0_HOME_7_DAYS,
    F0_SITE: F0_SITE_2022,
    F1_HOME: F1_762,
    F1_SITE: F1_762,
    ARRIVAL: F1_762,
    SELF_MONITORING: SELF_MONITORING_14,
}
# 1909/BYT-DP, 15/4/2022: F1 are no longer quarantined (they watch their health for 5 days).
V1909 = {
    F0_HOME: F0_HOME_7_DAYS,
    F0_SITE: F0_SITE_2022,
    ARRIVAL: F1_762,
    SELF_MONITORING: alike(plan(5, 0, [], NONE_TEST)),
}

# (effective from, document, document dated, recovered within (months), ends kinds, discharge, durations)
ISOLATION_RULES = [
    (
        date(2020, 3, 12),
        "Quyết định 878/QĐ-BYT (12/3/2020): hướng dẫn cách ly y tế tại cơ sở cách ly tập trung, "
        "14 ngày (cần đối chiếu)",
        date(2020, 3, 12),
        6,
        [],
        {},
        V2020,
    ),
    (
        date(2021, 5, 1),
        "Chỉ đạo của Bộ Y tế (5/2021): kéo dài cách ly tập trung lên 21 ngày (cần đối chiếu số văn bản)",
        date(2021, 5, 1),
        6,
        [],
        {},
        V2021_05,
    ),
    (
        date(2021, 7, 14),
        "Công văn 5599/BYT-MT (14/7/2021): cách ly tập trung 14 ngày, theo dõi tại nhà 14 ngày, thí điểm cách ly "
        "tại nhà; Quyết định 3416/QĐ-BYT (14/7/2021): ra viện từ ngày thứ 10",
        date(2021, 7, 14),
        6,
        [],
        DISCHARGE_3416,
        V5599,
    ),
    (
        date(2021, 8, 21),
        "Quyết định 4038/QĐ-BYT (21/8/2021): quản lý người nhiễm COVID-19 tại nhà, dỡ cách ly sau 10 ngày",
        date(2021, 8, 21),
        6,
        [],
        DISCHARGE_3416,
        V4038,
    ),
    (
        date(2021, 12, 16),
        "Công văn 10696/BYT-MT (16/12/2021): F1 đã tiêm đủ liều hoặc khỏi bệnh trong 6 tháng cách ly 7 ngày tại nhà",
        date(2021, 12, 16),
        6,
        [],
        DISCHARGE_3416,
        V10696,
    ),
    (
        date(2022, 1, 28),
        "Quyết định 250/QĐ-BYT (28/1/2022): ra viện với một xét nghiệm âm tính hoặc Ct ≥ 30, tự theo dõi 7 ngày "
        "(cần đối chiếu)",
        date(2022, 1, 28),
        6,
        [],
        DISCHARGE_2022,
        V2022_01,
    ),
    (
        date(2022, 2, 21),
        "Công văn 762/BYT-DP (21/2/2022): F1 cách ly 5 hoặc 7 ngày; F0 tại nhà dỡ cách ly sau 7 ngày",
        date(2022, 2, 21),
        3,
        [],
        DISCHARGE_2022,
        V762,
    ),
    (
        date(2022, 4, 15),
        "Công văn 1909/BYT-DP (15/4/2022): F1 không phải cách ly",
        date(2022, 4, 15),
        3,
        [F1_HOME, F1_SITE],
        DISCHARGE_2022,
        V1909,
    ),
]


def versions() -> list[tuple[date, str, date, dict]]:
    """The versions as core.rules.versions_by_document takes them."""
    return [
        (
            effective_from,
            document,
            dated,
            {"recovered_months": months, "ends_kinds": ends, "discharge": discharge, "durations": durations},
        )
        for effective_from, document, dated, months, ends, discharge, durations in ISOLATION_RULES
    ]
