"""Home treatment eligibility as the Ministry's documents set it (care.eligibility reads the criteria), and the
medicine packages of the home-treatment programme of Hồ Chí Minh City and Bình Dương in 2021.

What the sources leave uncertain is marked "(cần đối chiếu)", to be checked against the document, where domain.md says (cần đối chiếu); a source
text holds at most 200 characters (RuleVersion.source_document)."""

from datetime import date

from django.db import migrations

ELIGIBILITY = [
    (
        date(2021, 9, 21),
        "Quyết định 4038/QĐ-BYT (21/9/2021), quản lý F0 tại nhà: không/nhẹ triệu chứng, nhịp thở < 20, SpO₂ > 96%, "
        "1–49 tuổi hoặc đã tiêm đủ (cần đối chiếu), bệnh nền ổn định, không mang thai (cần đối chiếu)",
        date(2021, 9, 21),
        [
            {"code": "symptoms_at_most", "severity": "mild"},
            {"code": "breathing_below", "value": 20},
            {"code": "spo2_above", "value": 96},
            {"code": "age_between", "from_years": 1, "below_years": 50, "unless_vaccinated": True},
            {"code": "chronic_stable"},
            {"code": "not_pregnant"},
        ],
    ),
    (
        date(2022, 1, 31),
        "Quyết định 261/QĐ-BYT (31/1/2022), quản lý F0 tại nhà: không/nhẹ triệu chứng, SpO₂ > 96%, nhịp thở "
        "theo tuổi (người lớn < 20; trẻ em cần đối chiếu), bệnh nền ổn định; bỏ tiêu chí tuổi, tiêm chủng",
        date(2022, 1, 31),
        [
            {"code": "symptoms_at_most", "severity": "mild"},
            {
                "code": "breathing_below",
                "value": 20,
                "by_age": [
                    {"from_age": 1, "below_age": 5, "value": 40},
                    {"from_age": 5, "below_age": 12, "value": 30},
                ],
            },
            {"code": "spo2_above", "value": 96},
            {"code": "chronic_stable"},
        ],
    ),
]

MEDICINES = [
    (
        "A",
        "Gói thuốc A",
        "Hạ sốt paracetamol 500 mg và vitamin C (hoặc vitamin tổng hợp), dùng 3–7 ngày: F0 không triệu chứng hoặc "
        "nhẹ (cần đối chiếu)",
    ),
    (
        "B",
        "Gói thuốc B",
        "Kháng viêm corticoid (dexamethasone 0,5 mg hoặc methylprednisolone 16 mg) và chống đông (rivaroxaban hoặc "
        "apixaban), dùng 3 ngày, chỉ khi bác sĩ chỉ định (cần đối chiếu)",
    ),
    (
        "C",
        "Gói thuốc C",
        "Thuốc kháng vi rút molnupiravir, chương trình sử dụng có kiểm soát, theo chỉ định của bác sĩ (cần đối chiếu)",
    ),
]


def seed(apps, schema_editor):
    rules = apps.get_model("care", "EligibilityRules")
    for effective_from, document, document_date, criteria in ELIGIBILITY:
        rules.objects.update_or_create(
            effective_from=effective_from,
            defaults={"source_document": document, "document_date": document_date, "criteria": criteria},
        )
    kinds = apps.get_model("care", "MedicineKind")
    for code, name, contents in MEDICINES:
        kinds.objects.update_or_create(code=code, defaults={"name": name, "contents": contents})


class Migration(migrations.Migration):
    dependencies = [("care", "0002_isolation_rules")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
