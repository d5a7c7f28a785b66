"""The station targets the platform starts with, from seed 000 (item 4): province administrators add later ones as
rows; this is only where they start."""

from datetime import date

DIRECTIVE = "Chỉ thị của Ban Thường vụ Tỉnh ủy Bình Dương về phòng, chống dịch Covid-19 sau ngày 15/9/2021, mục 4"

# (what must have a station, due, source document)
TARGETS = [
    ("commune", date(2021, 9, 30), f"{DIRECTIVE}: 100% xã, phường, thị trấn có ít nhất 01 Trạm Y tế lưu động"),
    (
        "industrial_park",
        date(2021, 10, 31),
        f"{DIRECTIVE}: các khu, cụm công nghiệp trên địa bàn tỉnh đều có các trạm y tế lưu động",
    ),
]


def seed(target_model) -> None:
    """Add the targets missing from `target_model` (the model itself, or a migration's historical one)."""
    for scope, due_on, document in TARGETS:
        target_model.objects.get_or_create(scope=scope, due_on=due_on, defaults={"source_document": document})
