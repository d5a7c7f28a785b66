"""The demo's directives: the five seed documents (data/directives/, kept as they are), recorded for the demo province
with their number, date, issuer and title written by hand from each text's header, their points read from the text,
and hand-written tasks for their important points, given to the province's bodies (departments, police, military
command, Fatherland Front, the districts' people's committees).

Where a text carries no number or no day, the number says so and the date is the closest the text allows (see
DIRECTIVES). The seeds come from five provinces; the demo records them all for its own province, Bình Dương, as the
directives its steering committee follows up.

Each task has a story of dated events (progress reports, some with a PDF or Excel attachment, inspections, a
closing): only the events on or before the demo's day happen, each on the clock of its own day, through the
services. So on the demo's day some tasks are done, some in progress, some not started, and some overdue; a
directive dated after the demo's day has its tasks assigned and nothing reported yet. The district officers become
members of their district's people's committee, the province's commanders of the provincial steering committee."""

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from phongdich.accounts.models import RoleAssignment, User
from phongdich.accounts.roles import Role
from phongdich.command.choices import BodyKind, TaskStatus
from phongdich.command.directives.services import (
    body_add,
    body_members_set,
    directive_points_parse,
    directive_recipients_parse,
    directive_record,
    inspection_record,
    progress_report,
    task_assign,
    task_close,
)
from phongdich.command.models import Body, Directive, Task
from phongdich.core import clock
from phongdich.places.choices import Structure, UnitLevel
from phongdich.places.models import AdminUnit

SEEDS = Path(__file__).resolve().parent / "data" / "directives"

# The province's bodies: key, name, short name, kind.
PROVINCE_BODIES = [
    ("bcd", "Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh", "BCĐ tỉnh", BodyKind.COMMITTEE),
    ("vp_ubnd", "Văn phòng Ủy ban nhân dân tỉnh", "VP UBND tỉnh", BodyKind.DEPARTMENT),
    ("syt", "Sở Y tế", "SYT", BodyKind.DEPARTMENT),
    ("cdc", "Trung tâm Kiểm soát bệnh tật tỉnh", "CDC tỉnh", BodyKind.HOSPITAL),
    ("bvdk", "Bệnh viện Đa khoa tỉnh", "BVĐK tỉnh", BodyKind.HOSPITAL),
    ("ca", "Công an tỉnh", "CA tỉnh", BodyKind.POLICE),
    ("bchqs", "Bộ Chỉ huy Quân sự tỉnh", "BCHQS tỉnh", BodyKind.MILITARY),
    ("mttq", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "UBMTTQ tỉnh", BodyKind.FRONT),
    ("ldtbxh", "Sở Lao động – Thương binh và Xã hội", "Sở LĐ-TB&XH", BodyKind.DEPARTMENT),
    ("kcn", "Ban Quản lý các khu công nghiệp", "BQL các KCN", BodyKind.DEPARTMENT),
    ("tttt", "Sở Thông tin và Truyền thông", "Sở TT&TT", BodyKind.DEPARTMENT),
    ("sct", "Sở Công Thương", "SCT", BodyKind.DEPARTMENT),
    ("sgtvt", "Sở Giao thông vận tải", "SGTVT", BodyKind.DEPARTMENT),
    ("stc", "Sở Tài chính", "STC", BodyKind.DEPARTMENT),
    ("sgddt", "Sở Giáo dục và Đào tạo", "SGD&ĐT", BodyKind.DEPARTMENT),
    ("tuyengiao", "Ban Tuyên giáo Tỉnh ủy", "BTG Tỉnh ủy", BodyKind.OTHER),
    ("danvan", "Ban Dân vận Tỉnh ủy", "BDV Tỉnh ủy", BodyKind.OTHER),
    ("vptu", "Văn phòng Tỉnh ủy", "VPTU", BodyKind.OTHER),
]
# The districts' people's committees are keyed by the district's code: "ubnd:725" is Thuận An's.
THUAN_AN, DI_AN, THU_DAU_MOT, BEN_CAT, TAN_UYEN = "ubnd:725", "ubnd:724", "ubnd:718", "ubnd:721", "ubnd:723"


@dataclass(frozen=True)
class Seed:
    file: str
    number: str
    issued_on: date
    issuing_body: str
    title: str
    recipients: str = ""  # empty: read from the text's "Nơi nhận"
    recipient_bodies: tuple[str, ...] = ()


DIRECTIVES = {
    # No number and no date in the text: it plans the loosening "after 15/9/2021" and sets its first deadline on
    # 20/9/2021, so it is recorded on 14/9/2021, the day before.
    "000": Seed(
        file="000_6b7aa0005ecb725c.txt",
        number="Không ghi số – BTV Tỉnh ủy Bình Dương, 9/2021",
        issued_on=date(2021, 9, 14),
        issuing_body="Ban Thường vụ Tỉnh ủy Bình Dương",
        title=(
            "Chỉ thị về phòng, chống dịch Covid-19 và nới lỏng giãn cách xã hội trên địa bàn tỉnh Bình Dương sau "
            "ngày 15/9/2021"
        ),
        recipient_bodies=("bcd",),
    ),
    # The copy made by the provincial agencies' party committee (Số 43-BS/ĐUK, 08/9/2021) of a letter of the
    # provincial standing committee whose own number and day the text does not give.
    "001": Seed(
        file="001_3065f9b87e21bb45.txt",
        number="43-BS/ĐUK (bản sao lục)",
        issued_on=date(2021, 9, 8),
        issuing_body="Ban Thường vụ Tỉnh ủy Bình Định (sao lục: Đảng ủy Khối các cơ quan tỉnh)",
        title="Tiếp tục chỉ đạo triển khai thực hiện nghiêm các biện pháp phòng, chống dịch Covid-19",
        recipients="\n".join(
            [
                "Kính gửi: Các đảng đoàn, ban cán sự đảng,",
                "Các ban của Tỉnh ủy,",
                "Các huyện ủy, thị ủy, thành ủy, đảng ủy trực thuộc Tỉnh ủy.",
                "Nơi nhận (bản sao lục): Ban Thường vụ ĐUK,",
                "Các ban ĐUK, Đoàn Khối,",
                "Các chi, đảng bộ cơ sở,",
                "Website ĐUK,",
                "Lưu VPĐUK.",
            ]
        ),
        recipient_bodies=(THUAN_AN, DI_AN, THU_DAU_MOT),
    ),
    # A notice of conclusions without a number: the conference sat on 05/02/2021 and the notice asks for a report
    # "before 15:00 on 09/02/2021"; it is recorded on the conference's day.
    "002": Seed(
        file="002_3b0b4b295ade4a08.txt",
        number="TB kết luận BTV Tỉnh ủy BR-VT, 05/02/2021",
        issued_on=date(2021, 2, 5),
        issuing_body="Ban Thường vụ Tỉnh ủy Bà Rịa – Vũng Tàu",
        title=(
            "Thông báo kết luận của Ban Thường vụ Tỉnh ủy tại Hội nghị trực tuyến về công tác triển khai các giải "
            "pháp phòng, chống dịch bệnh Covid-19 trên địa bàn tỉnh"
        ),
        recipient_bodies=("bcd", "syt", "ca"),
    ),
    # No number or day: it follows Chỉ thị 15/CT-TTg of 27/3/2020 and starts its controls "from 0h00 on 28/3/2020",
    # so it is recorded on 27/3/2020.
    "003": Seed(
        file="003_08e333e1873435e0.txt",
        number="Không ghi số – BTV Tỉnh ủy Quảng Ninh, 27/3/2020",
        issued_on=date(2020, 3, 27),
        issuing_body="Ban Thường vụ Tỉnh ủy Quảng Ninh",
        title="Chỉ thị về việc tăng cường lãnh đạo, chỉ đạo thực hiện đợt cao điểm phòng, chống dịch Covid-19",
        recipient_bodies=("bcd",),
    ),
    # No number or day: it cites Kế hoạch 204/KH-UBND of 22/10/2021 and aims at December 2021; it dates from
    # November 2021 and is recorded on the month's first day.
    "004": Seed(
        file="004_4de282f2d3db849c.txt",
        number="Không ghi số – BTV Tỉnh ủy Kiên Giang, 11/2021",
        issued_on=date(2021, 11, 1),
        issuing_body="Ban Thường vụ Tỉnh ủy Kiên Giang",
        title="Chỉ thị về việc tăng cường lãnh đạo phòng, chống dịch bệnh Covid-19 trên địa bàn tỉnh",
        recipient_bodies=("bcd", "syt"),
    ),
}


@dataclass(frozen=True)
class Report:
    day: date
    percent: int
    note: str
    body: str = ""  # the lead body when empty
    done: bool = False
    attachment: str = ""  # "pdf:<name>" or "xlsx:<name>"


@dataclass(frozen=True)
class Inspect:
    day: date
    rating: str
    findings: str
    requests: str = ""
    inspectors: str = "Đoàn kiểm tra của Ban Chỉ đạo phòng, chống dịch Covid-19 tỉnh"


@dataclass(frozen=True)
class Close:
    day: date
    status: str
    note: str = ""


@dataclass(frozen=True)
class TaskSpec:
    directive: str
    point: str
    title: str
    lead: str
    deadline: date
    expected_output: str = ""
    coordinating: tuple[str, ...] = ()
    events: tuple = ()


D = date
TASKS = [
    # -- 003, Quảng Ninh, 27/3/2020: long done, one inspection each way, one still open and overdue. ------------
    TaskSpec(
        "003",
        "3",
        "Thành lập tổ công tác tự quản tại thôn, khu phố, kiểm soát 24/7 người ra, vào và biến động nhân khẩu trong "
        "ít nhất 14 ngày từ 0h00 ngày 28/3/2020",
        THU_DAU_MOT,
        D(2020, 3, 28),
        "100% khu phố có tổ công tác tự quản hoạt động",
        ("ca", "mttq"),
        (
            Report(D(2020, 3, 28), 100, "Đã thành lập 94 tổ tự quản tại 94 khu phố; trực chốt 24/7.", done=True),
            Inspect(D(2020, 4, 3), "good", "Các tổ trực đủ quân số, sổ theo dõi người ra vào ghi chép đầy đủ."),
        ),
    ),
    TaskSpec(
        "003",
        "2.1",
        "Rà soát, truy vết các trường hợp tiếp xúc với bệnh nhân và môi trường Bệnh viện Bạch Mai; xét nghiệm sàng "
        "lọc, cách ly kịp thời",
        "syt",
        D(2020, 4, 5),
        "Danh sách người đã rà soát, kết quả xét nghiệm, báo cáo Ban Chỉ đạo tỉnh",
        ("cdc", "ca"),
        (
            Report(D(2020, 3, 31), 60, "Đã rà soát 412 người từng đến Bệnh viện Bạch Mai; lấy mẫu 398 người."),
            Report(
                D(2020, 4, 4),
                100,
                "Hoàn thành rà soát 437 người; tất cả âm tính; 12 người cách ly tại nhà đủ 14 ngày.",
                done=True,
                attachment="xlsx:Danh sách rà soát Bạch Mai.xlsx",
            ),
            Inspect(D(2020, 4, 10), "good", "Danh sách rà soát đối chiếu khớp với dữ liệu khai báo y tế."),
        ),
    ),
    TaskSpec(
        "003",
        "2.2",
        "Tạm đóng cửa cơ sở kinh doanh dịch vụ không thiết yếu; chợ, siêu thị không quá 20 người cùng chỗ, một lối "
        "vào và một lối ra, đo thân nhiệt người ra vào",
        "sct",
        D(2020, 3, 31),
        "Danh sách cơ sở tạm đóng cửa; chợ, siêu thị bố trí chốt kiểm soát y tế",
        (THU_DAU_MOT, THUAN_AN, DI_AN),
        (
            Report(D(2020, 3, 30), 100, "Tạm đóng cửa 1.286 cơ sở; 46 chợ bố trí 01 lối vào, 01 lối ra.", done=True),
            Inspect(
                D(2020, 4, 6),
                "partly",
                "Một số chợ tự phát còn tụ tập quá 20 người, chưa đo thân nhiệt.",
                "UBND các huyện giải tỏa chợ tự phát, báo cáo kết quả trước 10/4/2020.",
            ),
        ),
    ),
    TaskSpec(
        "003",
        "1",
        "Chuẩn bị tổ chức đại hội điểm đảng bộ cấp cơ sở trong tháng 4/2020",
        "vptu",
        D(2020, 4, 30),
        "Kế hoạch đại hội điểm",
        (),
        (Close(D(2020, 3, 30), TaskStatus.CANCELLED, "Tạm hoãn đại hội điểm theo điểm 1 của Chỉ thị."),),
    ),
    TaskSpec(
        "003",
        "2.5",
        "Nâng cao chất lượng dịch vụ công trực tuyến mức độ 3, 4; mở đường dây nóng tiếp nhận yêu cầu của người dân",
        "tttt",
        D(2020, 6, 30),
        "Tỷ lệ hồ sơ trực tuyến mức độ 3, 4; đường dây nóng hoạt động",
        ("vp_ubnd",),
        (
            Report(D(2020, 4, 15), 40, "Đường dây nóng đã hoạt động; rà soát danh mục thủ tục đưa lên mức độ 3, 4."),
            Report(D(2020, 6, 20), 70, "Đã đưa 612/870 thủ tục lên mức độ 3, 4; còn chờ kết nối cổng quốc gia."),
        ),
    ),
    # -- 002, Bà Rịa – Vũng Tàu, 05/02/2021: before Tết; the vaccine purchase proposal stays open, overdue. ------
    TaskSpec(
        "002",
        "II.7",
        "Báo cáo Ban Thường vụ Tỉnh ủy việc bắn pháo hoa dịp Tết Nguyên đán Tân Sửu trước 15h ngày 09/02/2021",
        "vp_ubnd",
        D(2021, 2, 9),
        "Báo cáo đề xuất gửi Ban Thường vụ Tỉnh ủy",
        ("bcd",),
        (
            Report(
                D(2021, 2, 9),
                100,
                "Đã báo cáo: đề xuất không tổ chức bắn pháo hoa đêm Giao thừa.",
                done=True,
                attachment="pdf:Bao cao phao hoa Tet Tan Suu.pdf",
            ),
        ),
    ),
    TaskSpec(
        "002",
        "II.7",
        "Có văn bản đề xuất Chính phủ, Bộ Y tế cho phép tỉnh mua vắc xin từ ngân sách địa phương và nguồn huy động "
        "hợp pháp khác",
        "syt",
        D(2021, 2, 28),
        "Văn bản đề xuất của UBND tỉnh gửi Chính phủ, Bộ Y tế",
        ("stc", "vp_ubnd"),
        (
            Report(D(2021, 2, 22), 30, "Đã dự thảo văn bản; Sở Tài chính đang cân đối nguồn kinh phí."),
            Report(
                D(2021, 3, 15),
                60,
                "Văn bản đã trình UBND tỉnh; chờ hướng dẫn của Bộ Y tế về cơ chế mua vắc xin của địa phương.",
                body="stc",
            ),
            Inspect(
                D(2021, 4, 2),
                "partly",
                "Văn bản chưa được ban hành do chờ hướng dẫn của Trung ương; chưa báo cáo Ban Thường vụ.",
                "Sở Y tế báo cáo tiến độ hằng tuần cho Ban Chỉ đạo tỉnh.",
            ),
        ),
    ),
    TaskSpec(
        "002",
        "II.4",
        "Rà soát trong thời gian nhanh nhất các trường hợp F1, F2, F3 và người đi về từ vùng có dịch theo phương châm "
        "đi từng ngõ, gõ từng nhà, rà từng đối tượng",
        "ca",
        D(2021, 2, 12),
        "Danh sách người về từ vùng dịch đã rà soát, khai báo y tế",
        ("bchqs", "syt"),
        (
            Report(D(2021, 2, 8), 70, "Đã rà soát 18.420 người về từ vùng dịch; 356 F1, F2 đã cách ly."),
            Report(D(2021, 2, 12), 100, "Hoàn thành rà soát; không phát hiện ca nhiễm ngoài cộng đồng.", done=True),
        ),
    ),
    TaskSpec(
        "002",
        "II.3",
        "Rà soát vật tư y tế, sinh phẩm xét nghiệm; xây dựng phương án tăng số cơ sở cách ly",
        "syt",
        D(2021, 2, 10),
        "Phương án cơ sở cách ly và danh mục vật tư cần mua bổ sung",
        ("bchqs", "stc"),
        (Report(D(2021, 2, 10), 100, "Phương án 6 cơ sở cách ly với 2.400 giường đã được phê duyệt.", done=True),),
    ),
    TaskSpec(
        "002",
        "II.5",
        "Tuyên truyền, vận động người dân hạn chế di chuyển, thực hiện nghiêm 5K dịp Tết",
        "mttq",
        D(2021, 2, 26),
        "Kế hoạch tuyên truyền và báo cáo kết quả",
        ("tuyengiao",),
        (
            Report(D(2021, 2, 10), 50, "Đã phát hành tờ rơi 5K đến các khu dân cư."),
            Report(D(2021, 2, 25), 100, "Hoàn thành đợt tuyên truyền trước, trong và sau Tết.", done=True),
        ),
    ),
    # -- 001, Bình Định (copy of 08/9/2021): the districts' committees and command centres. ----------------------
    TaskSpec(
        "001",
        "3",
        "Kiện toàn Ban Chỉ đạo và Trung tâm chỉ huy phòng, chống dịch cấp huyện; quy chế làm việc, trực 24/24, họp "
        "giao ban định kỳ",
        THUAN_AN,
        D(2021, 9, 15),
        "Quyết định kiện toàn, quy chế làm việc, lịch trực",
        (),
        (
            Report(D(2021, 9, 10), 50, "Đã có quyết định kiện toàn Trung tâm chỉ huy; đang xây dựng quy chế."),
            Report(
                D(2021, 9, 13),
                100,
                "Ban hành quy chế làm việc, phân công trực 24/24, họp giao ban lúc 16h hằng ngày.",
                done=True,
                attachment="pdf:Quy che Trung tam chi huy Thuan An.pdf",
            ),
        ),
    ),
    TaskSpec(
        "001",
        "3",
        "Kiện toàn Ban Chỉ đạo và Trung tâm chỉ huy phòng, chống dịch cấp huyện; quy chế làm việc, trực 24/24, họp "
        "giao ban định kỳ",
        DI_AN,
        D(2021, 9, 15),
        "Quyết định kiện toàn, quy chế làm việc, lịch trực",
        (),
        (Report(D(2021, 9, 14), 50, "Đã có quyết định kiện toàn; quy chế đang lấy ý kiến các thành viên."),),
    ),
    TaskSpec(
        "001",
        "3",
        "Kiện toàn Ban Chỉ đạo và Trung tâm chỉ huy phòng, chống dịch cấp huyện; quy chế làm việc, trực 24/24, họp "
        "giao ban định kỳ",
        THU_DAU_MOT,
        D(2021, 9, 15),
        "Quyết định kiện toàn, quy chế làm việc, lịch trực",
    ),
    TaskSpec(
        "001",
        "4",
        "Tăng cường lực lượng vũ trang cùng địa phương; bảo đảm an ninh trật tự, xử lý đối tượng lợi dụng dịch bệnh "
        "xuyên tạc, chống phá",
        "ca",
        D(2021, 9, 30),
        "Báo cáo tình hình an ninh trật tự hằng tuần",
        ("bchqs",),
        (Report(D(2021, 9, 20), 40, "Đã tăng cường 320 cán bộ, chiến sĩ cho các chốt kiểm soát."),),
    ),
    TaskSpec(
        "001",
        "5",
        "Đẩy mạnh tuyên truyền phòng, chống dịch trong tình hình mới; đấu tranh phản bác thông tin sai trái",
        "tuyengiao",
        D(2021, 9, 30),
        "Kế hoạch tuyên truyền",
        ("tttt",),
        (Report(D(2021, 9, 24), 100, "Đã ban hành kế hoạch và triển khai trên báo, đài tỉnh.", done=True),),
    ),
    # -- 000, Bình Dương, 9/2021: the demo province's own directive, with its dated targets. --------------------
    TaskSpec(
        "000",
        "4",
        "Bảo đảm 100% xã, phường, thị trấn có ít nhất 01 Trạm Y tế lưu động",
        "syt",
        D(2021, 9, 30),
        "100% xã, phường, thị trấn có ít nhất 01 trạm y tế lưu động",
        (THUAN_AN, DI_AN, THU_DAU_MOT, BEN_CAT, TAN_UYEN),
        (
            Report(
                D(2021, 9, 20),
                60,
                "54/91 xã, phường, thị trấn đã có trạm y tế lưu động.",
                attachment="xlsx:Danh sách trạm y tế lưu động.xlsx",
            ),
            Report(D(2021, 9, 25), 80, "Các phường của Thuận An đều đã có trạm y tế lưu động.", body=THUAN_AN),
            Report(
                D(2021, 9, 28), 85, "77/91 xã, phường, thị trấn đã có trạm; còn thiếu nhân lực ở Bến Cát, Tân Uyên."
            ),
            Inspect(
                D(2021, 10, 2),
                "partly",
                "Quá hạn 30/9/2021: 14 xã chưa có trạm y tế lưu động, chủ yếu do thiếu nhân lực.",
                "Sở Y tế điều động nhân lực từ các bệnh viện dã chiến đã thu gọn; hoàn thành trước 10/10/2021.",
            ),
        ),
    ),
    TaskSpec(
        "000",
        "4",
        "Ban hành Quy chế phối hợp phòng, chống dịch giữa Ban Quản lý các khu, cụm công nghiệp và các huyện, thị, "
        "thành phố",
        "kcn",
        D(2021, 9, 30),
        "Quy chế phối hợp được ký ban hành",
        (THUAN_AN, DI_AN, BEN_CAT, TAN_UYEN),
        (
            Report(D(2021, 9, 22), 50, "Dự thảo quy chế đã gửi lấy ý kiến các huyện, thị, thành phố."),
            Report(
                D(2021, 9, 29),
                100,
                "Quy chế phối hợp đã được ký ban hành.",
                done=True,
                attachment="pdf:Quy che phoi hop KCN.pdf",
            ),
        ),
    ),
    TaskSpec(
        "000",
        "4",
        "Các khu, cụm công nghiệp trên địa bàn tỉnh đều có trạm y tế lưu động",
        "kcn",
        D(2021, 10, 31),
        "Mỗi khu, cụm công nghiệp có ít nhất 01 trạm y tế lưu động",
        ("syt",),
        (Report(D(2021, 10, 12), 50, "15/29 khu công nghiệp đã có trạm y tế lưu động."),),
    ),
    TaskSpec(
        "000",
        "2",
        "Khóa chặt vùng đỏ, điểm đỏ, xét nghiệm thần tốc bóc tách F0; đến ngày 20/9/2021 cơ bản xanh hóa toàn tỉnh",
        "syt",
        D(2021, 9, 20),
        "Toàn tỉnh cơ bản ở vùng xanh",
        ("cdc", THUAN_AN, DI_AN, TAN_UYEN),
        (
            Report(D(2021, 9, 17), 80, "Còn 11 phường vùng đỏ; đã xét nghiệm toàn dân vòng 3."),
            Report(D(2021, 9, 20), 100, "Toàn tỉnh cơ bản xanh; còn 3 điểm đỏ đang phong tỏa.", done=True),
            Inspect(
                D(2021, 9, 24),
                "partly",
                "Cơ bản đạt; còn điểm đỏ tại Thuận An và Tân Uyên.",
                "UBND các địa phương còn điểm đỏ báo cáo phương án dỡ phong tỏa.",
            ),
        ),
    ),
    TaskSpec(
        "000",
        "4",
        "Bảo đảm mỗi phường trên địa bàn thành phố có ít nhất 01 trạm y tế lưu động",
        THUAN_AN,
        D(2021, 9, 30),
        "10/10 phường có trạm y tế lưu động hoạt động",
        ("syt",),
        (
            Report(D(2021, 9, 18), 50, "5/10 phường đã có trạm y tế lưu động."),
            Report(D(2021, 9, 25), 80, "8/10 phường đã có trạm; 2 phường đang bố trí địa điểm."),
        ),
    ),
    TaskSpec(
        "000",
        "5",
        "Thẩm định, phê duyệt phương án sản xuất “3 xanh” của doanh nghiệp trước khi hoạt động trở lại",
        "kcn",
        D(2021, 9, 30),
        "Danh sách doanh nghiệp có phương án được phê duyệt",
        ("ldtbxh", "sct"),
        (Report(D(2021, 9, 23), 40, "Đã phê duyệt 1.120 phương án; 860 hồ sơ đang thẩm định."),),
    ),
    TaskSpec(
        "000",
        "6",
        "Vận động nguồn lực xã hội hỗ trợ người gặp khó khăn, không để người dân thiếu ăn, thiếu mặc",
        "mttq",
        D(2021, 10, 31),
        "Báo cáo số hộ được hỗ trợ theo từng huyện",
        ("ldtbxh",),
        (Report(D(2021, 9, 30), 60, "Đã hỗ trợ 245.000 túi an sinh; tiếp tục vận động."),),
    ),
    TaskSpec(
        "000",
        "3",
        "Bảo đảm tất cả tổ chức, cá nhân có mã QR phục vụ kiểm soát bằng công nghệ thông tin",
        "tttt",
        D(2021, 9, 30),
        "100% tổ chức, cá nhân có mã QR",
        ("ca",),
    ),
    TaskSpec(
        "000",
        "7",
        "Bảo đảm an ninh trật tự khi tỉnh bước vào trạng thái bình thường mới",
        "ca",
        D(2021, 10, 31),
        "Báo cáo tình hình an ninh trật tự",
        ("bchqs",),
    ),
    # -- 004, Kiên Giang, 11/2021: vaccination and home treatment. ----------------------------------------------
    TaskSpec(
        "004",
        "2",
        "Đẩy nhanh tiêm vắc xin: trong tháng 12/2021, 100% dân số trong diện được tiêm đủ 2 mũi",
        "syt",
        D(2021, 12, 31),
        "100% dân số trong diện được tiêm đủ 2 mũi",
        (THUAN_AN, DI_AN, THU_DAU_MOT),
        (Report(D(2021, 11, 30), 85, "85% người từ 18 tuổi đã tiêm đủ 2 mũi."),),
    ),
    TaskSpec(
        "004",
        "2",
        "Xây dựng kế hoạch tiêm vắc xin phòng Covid-19 cho trẻ em",
        "syt",
        D(2021, 11, 15),
        "Kế hoạch được UBND tỉnh phê duyệt",
        ("sgddt",),
        (Report(D(2021, 11, 12), 100, "Kế hoạch tiêm cho trẻ 12–17 tuổi đã được phê duyệt.", done=True),),
    ),
    TaskSpec(
        "004",
        "3",
        "Ban hành kế hoạch hướng dẫn điều trị F0 tại nhà",
        "syt",
        D(2021, 11, 15),
        "Kế hoạch hướng dẫn điều trị F0 tại nhà",
        ("bvdk",),
        (Report(D(2021, 11, 10), 100, "Đã ban hành hướng dẫn điều trị F0 tại nhà.", done=True),),
    ),
    TaskSpec(
        "004",
        "4",
        "Rà soát nhu cầu lao động của doanh nghiệp và lao động từ các tỉnh về; hỗ trợ giải quyết việc làm",
        "ldtbxh",
        D(2021, 11, 30),
        "Báo cáo cung – cầu lao động",
        ("kcn",),
        (Report(D(2021, 11, 20), 50, "Đã khảo sát 2.300 doanh nghiệp; kết nối 4.100 lao động."),),
    ),
    TaskSpec(
        "004",
        "8",
        "Nắm tình hình triển khai và báo cáo Ban Thường vụ Tỉnh ủy kết quả thực hiện Chỉ thị",
        "vptu",
        D(2021, 12, 31),
        "Báo cáo kết quả thực hiện Chỉ thị",
    ),
]


@dataclass
class DirectivesResult:
    bodies: int = 0
    members: int = 0
    directives: int = 0
    points: int = 0
    tasks: int = 0
    done: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    reports: int = 0
    attachments: int = 0
    inspections: int = 0
    numbers: list[str] = field(default_factory=list)


def seed_text(file: str) -> str:
    return (SEEDS / file).read_text(encoding="utf-8")


def _ascii(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if 32 <= ord(ch) < 127 else "-" for ch in plain)


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF holding these lines (without their Vietnamese marks: the standard font has none)."""
    escaped = [_ascii(line).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    content = "BT /F1 12 Tf 56 780 Td " + " 0 -18 Td ".join(f"({line}) Tj" for line in escaped) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    start = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{start}\n%%EOF\n".encode())
    return out.getvalue()


def xlsx_bytes(title: str, rows: list[tuple]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append([title])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class DirectivesBuilder:
    def __init__(self, actor):
        self.actor = actor
        self.day_before = clock.demo_day()  # the clock to go back to: the demo's day, or the real time
        self.today = clock.today()
        self.result = DirectivesResult()
        self.province = AdminUnit.objects.get(structure=Structure.LEGACY, parent=None)
        self.bodies: dict[str, Body] = {}
        self.directives: dict[str, Directive] = {}

    def build(self) -> DirectivesResult:
        try:
            self._bodies()
            self._members()
            for key, seed in DIRECTIVES.items():
                self._directive(key, seed)
            for spec in TASKS:
                self._task(spec)
        finally:
            clock.use(self.day_before)
        self._count()
        return self.result

    def _bodies(self) -> None:
        for key, name, short_name, kind in PROVINCE_BODIES:
            self.bodies[key] = body_add(
                actor=self.actor, unit=self.province, name=name, short_name=short_name, kind=kind
            )
        for district in self.province.children.filter(level=UnitLevel.DISTRICT).order_by("code"):
            name = f"Ủy ban nhân dân {district.name[:1].lower()}{district.name[1:]}"
            self.bodies[f"ubnd:{district.code}"] = body_add(
                actor=self.actor,
                unit=district,
                name=name,
                short_name=f"UBND {district.name}"[:60],
                kind=BodyKind.PEOPLES_COMMITTEE,
            )
        self.result.bodies = len(self.bodies)

    def _members(self) -> None:
        """The district officers join their district's people's committee; the province's commanders its
        steering committee."""
        joining: dict[str, list[User]] = {}
        officers = RoleAssignment.objects.filter(role=Role.DISTRICT_OFFICER, unit__level=UnitLevel.DISTRICT)
        for assignment in officers.select_related("unit", "user").order_by("pk"):
            key = f"ubnd:{assignment.unit.code}"
            if key in self.bodies:
                joining.setdefault(key, []).append(assignment.user)
        commanders = RoleAssignment.objects.filter(role=Role.PROVINCE_COMMANDER, unit=self.province)
        joining["bcd"] = [assignment.user for assignment in commanders.select_related("user").order_by("pk")]
        for key, users in joining.items():
            if users:
                body_members_set(actor=self.actor, body=self.bodies[key], members=users)
                self.result.members += len(users)

    def _directive(self, key: str, seed: Seed) -> None:
        text = seed_text(seed.file)
        clock.use(seed.issued_on)  # recorded on its day: a directive is never dated after the day it is entered
        points = directive_points_parse(text)
        self.directives[key] = directive_record(
            actor=self.actor,
            unit=self.province,
            number=seed.number,
            issued_on=seed.issued_on,
            issuing_body=seed.issuing_body,
            title=seed.title,
            text=text,
            recipients=seed.recipients or directive_recipients_parse(text),
            points=points,
            recipient_bodies=[self.bodies[body] for body in seed.recipient_bodies],
        )
        self.result.directives += 1
        self.result.points += len(points)
        self.result.numbers.append(seed.number)

    def _reporter(self, body: Body):
        """A member of the body reports for it where it has one (a district officer for the district's people's
        committee); the demo's builder otherwise."""
        return body.members.order_by("pk").first() or self.actor

    def _task(self, spec: TaskSpec) -> None:
        directive = self.directives[spec.directive]
        point = directive.points.get(number=spec.point)
        clock.use(directive.issued_on)
        task = task_assign(
            actor=self.actor,
            unit=directive.unit,
            title=spec.title,
            lead=self.bodies[spec.lead],
            deadline=spec.deadline,
            coordinating=[self.bodies[key] for key in spec.coordinating],
            expected_output=spec.expected_output,
            directive=directive,
            point=point,
        )
        self.result.tasks += 1
        for event in spec.events:
            if event.day > self.today:
                break  # the story goes no further than the demo's day
            clock.use(event.day)
            if isinstance(event, Report):
                self._report(task, spec, event)
            elif isinstance(event, Inspect):
                inspection_record(
                    actor=self.actor,
                    task=task,
                    inspected_on=event.day,
                    inspectors=event.inspectors,
                    rating=event.rating,
                    findings=event.findings,
                    requests=event.requests,
                )
                self.result.inspections += 1
            elif isinstance(event, Close):
                task_close(actor=self.actor, task=task, status=event.status, note=event.note)

    def _report(self, task: Task, spec: TaskSpec, event: Report) -> None:
        body = self.bodies[event.body or spec.lead]
        files = []
        if event.attachment:
            kind, name = event.attachment.split(":", 1)
            if kind == "pdf":
                content = pdf_bytes([spec.title[:90], event.note[:90], event.day.strftime("%d/%m/%Y")])
            else:
                content = xlsx_bytes(
                    spec.title, [("Ngày báo cáo", event.day.strftime("%d/%m/%Y")), ("Nội dung", event.note)]
                )
            files.append(SimpleUploadedFile(name, content))
        progress_report(
            actor=self._reporter(body),
            task=task,
            body=body,
            percent=event.percent,
            note=event.note,
            status=TaskStatus.DONE if event.done else TaskStatus.IN_PROGRESS,
            files=files,
        )
        self.result.reports += 1
        self.result.attachments += len(files)

    def _count(self) -> None:
        tasks = Task.objects.filter(directive__in=self.directives.values())
        self.result.done = tasks.filter(status=TaskStatus.DONE).count()
        self.result.in_progress = tasks.filter(status=TaskStatus.IN_PROGRESS).count()
        self.result.not_started = tasks.filter(status=TaskStatus.OPEN).count()
        self.result.overdue = tasks.filter(
            status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS], deadline__lt=self.today
        ).count()


def build_directives(actor="demo") -> DirectivesResult:
    """The province's bodies and their members, the five seed directives with their points, and their tasks as far
    as the demo's day has come. Dates of its events are on the clock of their own day; the clock goes back to the
    demo's day (or the real time) after."""
    return DirectivesBuilder(actor).build()
