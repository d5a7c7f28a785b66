"""The supply items a fresh installation starts with (oxygen, the medicine packages of home treatment, test kits,
protective equipment). Province administrators add and change items as rows afterwards; this is only where they
start. Applied by the migration that creates the tables, and again by the demo (a test may have flushed them)."""

# code, name, category, unit of measure, medicine package code, alert below (days of cover)
ITEMS = [
    ("O2-LONG", "Oxy lỏng", "oxygen", "lít", "", 3),
    ("O2-BINH40", "Bình oxy 40 lít", "oxygen", "bình", "", 3),
    ("O2-BINH10", "Bình oxy 10 lít", "oxygen", "bình", "", 3),
    ("O2-MAYTAO", "Máy tạo oxy", "oxygen", "máy", "", 2),
    ("THUOC-A", "Gói thuốc A", "drug", "gói", "A", 5),
    ("THUOC-B", "Gói thuốc B", "drug", "gói", "B", 5),
    ("THUOC-C", "Gói thuốc C (molnupiravir)", "drug", "gói", "C", 5),
    ("DEXA-05", "Dexamethasone 0,5 mg", "drug", "viên", "", 5),
    ("PARA-500", "Paracetamol 500 mg", "drug", "viên", "", 5),
    ("TEST-NHANH", "Kit xét nghiệm nhanh kháng nguyên", "test_kit", "bộ", "", 3),
    ("TEST-PCR", "Sinh phẩm xét nghiệm RT-PCR", "test_kit", "bộ", "", 3),
    ("PPE-BO", "Bộ đồ bảo hộ cấp độ 4", "ppe", "bộ", "", 3),
    ("KT-N95", "Khẩu trang N95", "ppe", "cái", "", 3),
    ("KT-YTE", "Khẩu trang y tế", "ppe", "hộp", "", 3),
    ("GANG-TAY", "Găng tay y tế", "ppe", "hộp", "", 3),
]


def seed(items, medicine_kinds) -> None:
    """Each item of ITEMS by its code, created if missing (an item an administrator changed is left as it is)."""
    packages = dict(medicine_kinds.objects.values_list("code", "pk"))
    for code, name, category, unit_of_measure, package, low_cover_days in ITEMS:
        items.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "unit_of_measure": unit_of_measure,
                "medicine_id": packages.get(package),
                "low_cover_days": low_cover_days,
            },
        )
