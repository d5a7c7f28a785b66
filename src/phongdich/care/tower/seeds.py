"""The tower's first rules: the severity bands of the Ministry's treatment guidance of August 2021 and where each
band is treated. The bands are as the province applied them; they are marked for checking against the source."""

from datetime import date

SEVERITY_BANDS_4111 = [
    {"severity": "severe", "breathing_rate_from": 26, "spo2_below": 94},
    {"severity": "moderate", "breathing_rate_from": 20, "spo2_below": 97},
]
ROUTES_4111 = {
    "mild": {"tier": 1, "bed_kind": "regular"},
    "moderate": {"tier": 2, "bed_kind": "oxygen"},
    "severe": {"tier": 3, "bed_kind": "icu"},
    "critical": {"tier": 3, "bed_kind": "icu"},
}
ESCALATE_AFTER_MINUTES = 30

TOWER_RULES = [
    (
        date(2021, 8, 26),
        "Quyết định 4111/QĐ-BYT: mô hình tháp 3 tầng điều trị COVID-19 (cần đối chiếu)",
        date(2021, 8, 26),
        {
            "severity_bands": SEVERITY_BANDS_4111,
            "routes": ROUTES_4111,
            "escalate_after_minutes": ESCALATE_AFTER_MINUTES,
        },
    ),
]
