"""The warning-sign rules of the Ministry of Health's guidance on COVID-19 patients at home, as data.

Each version cites its document. Values the documents do not settle are marked "(cần đối chiếu)", to be checked
against the document: the breathing thresholds under one year (WHO's fast-breathing thresholds: 60/min under 2
months, 50/min from 2 to 12 months), the fever threshold, the severity bands of 4111/QĐ-BYT as the province used
them, and how fast an alert must be acknowledged and escalated to the district (the province's own arrangement, not
the Ministry's).
"""

from datetime import date

# Ages in years; an infant's bands in fractions of a year (2 months = 61 days).
BREATHING = [
    {"from_age": 0, "below_age": 0.167, "at_least": 60},
    {"from_age": 0.167, "below_age": 1, "at_least": 50},
    {"from_age": 1, "below_age": 5, "at_least": 40},
    {"from_age": 5, "below_age": 12, "at_least": 30},
    {"from_age": 12, "at_least": 20},
]
THRESHOLDS = {
    "spo2_at_most": 96,
    "breathing": BREATHING,
    "pulse_above": 120,
    "pulse_below": 50,
    "systolic_below": 90,
    "diastolic_below": 60,
    "temperature_at_least": 39,
}
WARNING_SYMPTOMS = [
    "short_of_breath",
    "chest_pain",
    "confusion",
    "blue_lips",
    "seizure",
    "not_feeding",
    "new_illness",
]
SEVERITY = {
    "adult_from_age": 12,
    "severe": {"spo2_below": 94, "adult_breathing_above": 25, "symptoms": ["blue_lips", "confusion", "seizure"]},
    "moderate": {"spo2_at_most": 96, "breathing_warning": True, "symptoms": ["short_of_breath", "chest_pain"]},
}

# (effective from, source document, document date, values)
VERSIONS = [
    (
        date(2021, 9, 21),
        "4038/QĐ-BYT ngày 21/9/2021, Hướng dẫn quản lý người nhiễm COVID-19 tại nhà; ngưỡng nhịp thở trẻ dưới 1 "
        "tuổi, sốt ≥39 °C, phân loại mức độ, thời hạn xác nhận và báo huyện (cần đối chiếu)",
        date(2021, 9, 21),
        {
            "thresholds": THRESHOLDS,
            "warning_symptoms": WARNING_SYMPTOMS,
            "severity": SEVERITY,
            "acknowledge_minutes": 15,
            "escalate_minutes": 30,
            "missed_report_hours": 12,
        },
    ),
    (
        date(2022, 1, 31),
        "261/QĐ-BYT ngày 31/1/2022, Hướng dẫn quản lý người mắc COVID-19 tại nhà; ngưỡng nhịp thở trẻ dưới 1 "
        "tuổi, sốt ≥39 °C, phân loại mức độ, thời hạn xác nhận và báo huyện (cần đối chiếu)",
        date(2022, 1, 31),
        {
            "thresholds": THRESHOLDS,
            "warning_symptoms": WARNING_SYMPTOMS,
            "severity": SEVERITY,
            "acknowledge_minutes": 15,
            "escalate_minutes": 30,
            "missed_report_hours": 12,
        },
    ),
]


def seed(model) -> None:
    """Store the versions that are missing (a migration passes its historical model; tests the real one)."""
    for effective_from, document, document_date, values in VERSIONS:
        model._default_manager.get_or_create(
            effective_from=effective_from,
            defaults={"source_document": document, "document_date": document_date, **values},
        )
