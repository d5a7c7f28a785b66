from datetime import date

from django.db import migrations

VERSIONS = [
    (
        date(2020, 8, 28),
        "Quyết định 3486/QĐ-BYT (8/2020): xét nghiệm gộp mẫu; Công văn TP.HCM (8/2021): gộp 5 ở nhóm nguy cơ cao",
        {"pool_size": 10, "high_risk_pool_size": 5, "antigen_confirms": False},
    ),
    (
        date(2022, 4, 15),
        "Công văn 1909/BYT-DP (15/4/2022): test nhanh dương tính và có triệu chứng hoặc yếu tố dịch tễ là F0",
        {"pool_size": 10, "high_risk_pool_size": 5, "antigen_confirms": True},
    ),
]


def seed(apps, schema_editor):
    TestingRules = apps.get_model("labs", "TestingRules")
    for effective_from, document, values in VERSIONS:
        TestingRules.objects.get_or_create(
            effective_from=effective_from, defaults={"source_document": document, **values}
        )


class Migration(migrations.Migration):
    dependencies = [("labs", "0001_samples_pools_rounds")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
