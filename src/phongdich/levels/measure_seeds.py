"""Measures by level as data: what each activity of Resolution 128's annex may do at each level, version by version.

Version 1 is Quảng Ninh's directive of 3/2020 (seed 003), written before there were levels: one rule for every level
(`by_level` False); an activity the directive does not touch is "open" with a note saying so. Version 2 is the annex
of Resolution 128/NQ-CP (11/10/2021) with the province's numbers. Every value domain.md does not state precisely is
named in `verify` ("activity" for all four levels, "activity.level" for one) and shown with "(cần đối chiếu)" until
the province has checked it against the documents; a new version replaces these rules from its own date.

Each entry: {"status": open|limited|closed|province, "limit": a whole number or None, "limit_kind": people|percent
or "" without a limit, "note": text}."""

from datetime import date

LEVELS = ("1", "2", "3", "4")


def _entry(status: str, limit: int | None = None, kind: str = "", note: str = "") -> dict:
    return {"status": status, "limit": limit, "limit_kind": kind if limit is not None else "", "note": note}


def _every_level(entry: dict) -> dict:
    return {level: dict(entry) for level in LEVELS}


def _by_level(*entries: dict) -> dict:
    return {level: dict(entry) for level, entry in zip(LEVELS, entries, strict=True)}


UNTOUCHED = "Chỉ thị không quy định riêng hoạt động này."
CONSIDER_CLOSING = (
    "UBND tỉnh xem xét tạm đóng cửa các cơ sở kinh doanh dịch vụ không thực sự cần thiết (massage, vũ trường, du "
    "lịch, tham quan, vui chơi giải trí, nhà hàng, quán cà phê…), trừ hàng hóa, dịch vụ thiết yếu."
)
MARKETS_2020 = (
    "Không quá 20 người cùng 01 chỗ; chỉ để 01 lối vào, 01 lối ra; đóng gian hàng không thiết yếu; đo thân nhiệt, "
    "bắt buộc đeo khẩu trang."
)

QUANG_NINH_2020 = {
    "factories": _every_level(_entry("open", note=UNTOUCHED)),
    "construction": _every_level(_entry("open", note=UNTOUCHED)),
    "goods_transport": _every_level(
        _entry("open", note="Phương tiện vận chuyển hàng hóa không thuộc diện hạn chế giao thông công cộng.")
    ),
    "malls": _every_level(_entry("limited", 20, "people", MARKETS_2020)),
    "markets": _every_level(_entry("limited", 20, "people", MARKETS_2020)),
    "restaurants": _every_level(_entry("province", note=CONSIDER_CLOSING)),
    "nightlife": _every_level(_entry("province", note=CONSIDER_CLOSING)),
    "tourism": _every_level(_entry("province", note=CONSIDER_CLOSING)),
    "schools": _every_level(_entry("open", note=UNTOUCHED)),
    "religion": _every_level(
        _entry(
            "limited",
            19,
            "people",
            "Dừng các nghi lễ, hoạt động từ 20 người trở lên; dưới 20 người phải đeo khẩu trang khi hành lễ.",
        )
    ),
    "public_transport": _every_level(
        _entry(
            "province",
            note="Hạn chế, tạm dừng khi cần thiết, nhất là phương tiện công cộng từ vùng có dịch vào địa bàn.",
        )
    ),
    "meetings": _every_level(
        _entry(
            "limited",
            20,
            "people",
            "Tạm dừng hội họp, sự kiện trên 20 người trong 01 phòng; cần thiết thì họp trực tuyến.",
        )
    ),
    "gatherings": _every_level(
        _entry("limited", 10, "people", "Không tụ tập quá 10 người ngoài phạm vi công sở, trường học, bệnh viện.")
    ),
    "travel": _every_level(
        _entry(
            "open",
            note="Khuyến cáo hạn chế tối đa ra khỏi nhà; kiểm soát 24/7, đo thân nhiệt mọi người ra, vào thôn, tổ dân "
            "phố từ 28/3/2020.",
        )
    ),
}

CAPPED_AT_4 = "Hoạt động ở mọi cấp; ở cấp 4 tỉnh có thể giới hạn số người."

RESOLUTION_128 = {
    "factories": _by_level(*[_entry("open")] * 3, _entry("open", note=CAPPED_AT_4)),
    "construction": _by_level(*[_entry("open")] * 3, _entry("open", note=CAPPED_AT_4)),
    "goods_transport": _by_level(*[_entry("open")] * 3, _entry("open", note=CAPPED_AT_4)),
    "malls": _by_level(*[_entry("open")] * 3, _entry("open", note=CAPPED_AT_4)),
    "markets": _by_level(
        *[_entry("open")] * 3, _entry("limited", 50, "percent", "Hạn chế: tỷ lệ điểm kinh doanh do tỉnh quy định.")
    ),
    "restaurants": _by_level(*[_entry("open")] * 3, _entry("limited", 30, "percent", "Hạn chế: ưu tiên bán mang về.")),
    "nightlife": _by_level(_entry("province"), *[_entry("closed")] * 3),
    "tourism": _by_level(
        _entry("open"),
        _entry("open"),
        _entry("limited", 50, "percent", "Hạn chế."),
        _entry("province", note="Có thể tạm dừng."),
    ),
    "schools": _by_level(
        _entry("open", note="Dạy học trực tiếp bình thường."),
        *[_entry("province", note="Hạn chế khi cần: trực tiếp hoặc trực tuyến theo quyết định của tỉnh.")] * 3,
    ),
    "religion": _by_level(
        _entry("open"),
        _entry("limited", 50, "percent"),
        _entry("limited", 10, "people"),
        _entry("closed"),
    ),
    "public_transport": _by_level(
        _entry("open"),
        _entry("open"),
        _entry("limited", 50, "percent"),
        _entry("province", note="Có thể tạm dừng."),
    ),
    "meetings": _by_level(
        _entry("limited", 100, "people"),
        _entry("limited", 50, "people"),
        _entry("limited", 20, "people"),
        _entry("closed", note="Họp trực tuyến."),
    ),
    "gatherings": _by_level(
        _entry("limited", 30, "people"),
        _entry("limited", 20, "people"),
        _entry("limited", 10, "people"),
        _entry("limited", 5, "people"),
    ),
    "travel": _by_level(
        _entry("open", note="Không xét nghiệm người đi lại thông thường (Quyết định 4800/QĐ-BYT)."),
        _entry("open", note="Không xét nghiệm người đi lại thông thường (Quyết định 4800/QĐ-BYT)."),
        _entry(
            "open",
            note="Xét nghiệm người đến từ vùng cấp 3 có triệu chứng nghi nhiễm hoặc có chỉ định dịch tễ "
            "(Quyết định 4800/QĐ-BYT).",
        ),
        _entry(
            "province",
            note="Người từ vùng cấp 4 hoặc vùng phong tỏa bị hạn chế đi lại và phải xét nghiệm "
            "(Quyết định 4800/QĐ-BYT).",
        ),
    ),
}

MEASURE_RULES: list[dict] = [
    {
        "effective_from": date(2020, 3, 28),
        "source_document": "Chỉ thị của Ban Thường vụ Tỉnh ủy Quảng Ninh về tăng cường lãnh đạo, chỉ đạo thực hiện "
        "đợt cao điểm phòng, chống dịch Covid-19 (3/2020)",
        "document_date": date(2020, 3, 1),  # only the month is known: the first of it
        "name": "Quảng Ninh 3/2020: trước Nghị quyết 128, như nhau ở mọi cấp",
        "by_level": False,
        "measures": QUANG_NINH_2020,
        "verify": [],
    },
    {
        "effective_from": date(2021, 10, 11),
        "source_document": "Nghị quyết 128/NQ-CP ngày 11/10/2021 của Chính phủ, Phụ lục; số người và tỷ lệ do tỉnh "
        "quy định",
        "document_date": date(2021, 10, 11),
        "name": "Nghị quyết 128/NQ-CP: biện pháp theo cấp độ dịch, với số liệu của tỉnh",
        "by_level": True,
        "measures": RESOLUTION_128,
        # Not stated precisely in domain.md: the province's numbers, and the activities it does not describe.
        "verify": [
            "markets.4",
            "restaurants.4",
            "tourism.3",
            "religion",
            "public_transport",
            "meetings",
            "gatherings",
        ],
    },
]
