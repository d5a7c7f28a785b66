"""The supply items a fresh installation starts with (oxygen, the medicine packages of home treatment, test kits,
protective equipment). Province administrators add and change items as rows afterwards; this is only where they
start. Applied by the migration that creates the tables, and again by the demo (a test may have flushed them)."""

# code, name, category, unit of measure, medicine package code, alert below (days of cover), used up (False for
# equipment: its stock is counted, never its days of cover)
ITEMS = [
    ("O2-LONG", "Oxy lỏng", "oxygen", "lít", "", 3, True),
    ("O2-BINH40", "Bình oxy 40 lít", "oxygen", "bình", "", 3, True),
    ("O2-BINH10", "Bình oxy 10 lít", "oxygen", "bình", "", 3, True),
    ("O2-MAYTAO", "Máy tạo oxy", "oxygen", "máy", "", 2, False),
    ("THUOC-A", "Gói thuốc A", "drug", "gói", "A", 5, True),
    ("THUOC-B", "Gói thuốc B", "drug", "gói", "B", 5, True),
    ("THUOC-C", "Gói thuốc C (molnupiravir)", "drug", "gói", "C", 5, True),
    ("DEXA-05", "Dexamethasone 0,5 mg", "drug", "viên", "", 5, True),
    ("PARA-500", "Paracetamol 500 mg", "drug", "viên", "", 5, True),
    ("TEST-NHANH", "Kit xét nghiệm nhanh kháng nguyên", "test_kit", "bộ", "", 3, True),
    ("TEST-PCR", "Sinh phẩm xét nghiệm RT-PCR", "test_kit", "bộ", "", 3, True),
    ("PPE-BO", "Bộ đồ bảo hộ cấp độ 4", "ppe", "bộ", "", 3, True),
    ("KT-N95", "Khẩu trang N95", "ppe", "cái", "", 3, True),
    ("KT-YTE", "Khẩu trang y tế", "ppe", "hộp", "", 3, True),
    ("GANG-TAY", "Găng tay y tế", "ppe", "hộp", "", 3, True),
]


def seed(items, medicine_kinds) -> None:
    """Each item of ITEMS by its code, created if missing (an item an administrator changed is left as it is)."""
    packages = dict(medicine_kinds.objects.values_list("code", "pk"))
    # The migration creating the tables (0010) runs this before `consumable` exists (0011 adds and sets it).
    has_consumable = any(field.name == "consumable" for field in items._meta.get_fields())
    for code, name, category, unit_of_measure, package, low_cover_days, consumable in ITEMS:
        items.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "unit_of_measure": unit_of_measure,
                "medicine_id": packages.get(package),
                "low_cover_days": low_cover_days,
            }
            | ({"consumable": consumable} if has_consumable else {}),
        )
