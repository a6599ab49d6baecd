"""The demo agency: a realistic National Assembly Office (Văn phòng Quốc hội), generated from a seed.

:func:`generate_org` is pure: it returns the organisation as plain :class:`OrgData`, the same shape
the workbook import reads, so the demo is loaded through the import like any agency's file and
the same seed always gives the same agency. :func:`congtam.demo.loading.demo_load` creates the
agency, imports the generated organisation and the logins for every role (:mod:`congtam.demo.accounts`);
the people's names come from :mod:`congtam.demo.names`.

The agency's shape:

* the top unit (Văn phòng Quốc hội) with the Chủ nhiệm (head) and the Phó Chủ nhiệm (deputies);
* departments (Vụ Tổ chức cán bộ, Vụ Pháp luật, …, Trung tâm Tin học, and for large sizes the
  offices of the provincial delegations), each with a head and deputies;
* divisions (Phòng) in every department, each of 10 to 60 people with a head and deputies.

Larger sizes add departments first (up to the catalogue's), then divisions, so that a division
always keeps between 10 and 60 people.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from congtam.demo.names import draw_ethnicity, draw_name, email_stem
from congtam.org.orgdata import OrgData, PersonRow, PositionRow, UnitRow

DEFAULT_SIZE = 300
DEFAULT_SEED = 2026
MIN_SIZE = 100
# Ages and dates are reckoned from a fixed day, not from today, so that a seed gives the same
# agency whatever the day it is generated.
REFERENCE_DATE = date(2026, 1, 1)
EMAIL_DOMAIN = "quochoi.vn"

AGENCY_CODE = "VPQH"
AGENCY_NAME = "Văn phòng Quốc hội"
AGENCY_AUTHORITY = "Ủy ban Thường vụ Quốc hội"

DIVISION_MIN, DIVISION_MAX = 10, 60


# --- the catalogue of units ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Domain:
    """A field of work: the subject of its specialist posts, their duties and standards."""

    code: str
    subject: str
    duties: tuple[str, ...]
    education: str


DOMAINS = {
    domain.code: domain
    for domain in (
        Domain(
            "TC",
            "tổ chức cán bộ",
            (
                "Tham mưu về tổ chức bộ máy, vị trí việc làm, biên chế và cơ cấu ngạch công chức",
                "Quản lý hồ sơ cán bộ, công chức, viên chức; theo dõi đánh giá, xếp loại hằng năm",
                "Thực hiện quy trình tuyển dụng, bổ nhiệm, điều động, luân chuyển, khen thưởng, kỷ luật",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành luật, hành chính học, quản lý nhân lực hoặc phù hợp",
        ),
        Domain(
            "PL",
            "pháp luật",
            (
                "Nghiên cứu, tham gia thẩm tra dự án luật, pháp lệnh, nghị quyết thuộc lĩnh vực được phân công",
                "Tổng hợp ý kiến đại biểu Quốc hội, cơ quan, tổ chức về dự án luật",
                "Chuẩn bị báo cáo giải trình, tiếp thu, chỉnh lý dự thảo văn bản",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành luật",
        ),
        Domain(
            "TH",
            "tổng hợp",
            (
                "Theo dõi, tổng hợp chương trình làm việc của Quốc hội, Ủy ban Thường vụ Quốc hội",
                "Chuẩn bị báo cáo tổng hợp, thông báo kết luận, biên bản phiên họp",
                "Thống kê, theo dõi việc thực hiện các kết luận, nghị quyết",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành luật, kinh tế, hành chính hoặc phù hợp",
        ),
        Domain(
            "TT",
            "thông tin, báo chí",
            (
                "Thu thập, xử lý, cung cấp thông tin phục vụ hoạt động của Quốc hội và đại biểu",
                "Tổ chức thông tin, tuyên truyền, quan hệ báo chí về hoạt động của Quốc hội",
                "Biên tập, quản lý nội dung trên cổng thông tin điện tử",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành báo chí, truyền thông, thông tin học hoặc phù hợp",
        ),
        Domain(
            "HC",
            "hành chính, văn thư",
            (
                "Tiếp nhận, đăng ký, chuyển giao văn bản đến, văn bản đi",
                "Quản lý, sử dụng con dấu; lập hồ sơ và nộp lưu hồ sơ vào lưu trữ cơ quan",
                "Phục vụ hội nghị, phiên họp; bảo đảm điều kiện làm việc của cơ quan",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành văn thư lưu trữ, hành chính học hoặc phù hợp",
        ),
        Domain(
            "NS",
            "tài chính, ngân sách",
            (
                "Lập, phân bổ và theo dõi thực hiện dự toán ngân sách của cơ quan",
                "Kiểm soát chứng từ, thanh toán, quyết toán kinh phí theo quy định",
                "Quản lý tài sản công, mua sắm và báo cáo tài chính định kỳ",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành tài chính, kế toán, kiểm toán",
        ),
        Domain(
            "CNTT",
            "công nghệ thông tin",
            (
                "Vận hành, bảo trì hạ tầng mạng, máy chủ và hệ thống thông tin của cơ quan",
                "Phát triển, duy trì các phần mềm ứng dụng và cơ sở dữ liệu",
                "Bảo đảm an toàn thông tin; hỗ trợ kỹ thuật cho người sử dụng",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành công nghệ thông tin, điện tử – viễn thông",
        ),
        Domain(
            "KT",
            "kinh tế",
            (
                "Nghiên cứu, tham gia thẩm tra các dự án luật, đề án thuộc lĩnh vực kinh tế",
                "Theo dõi tình hình kinh tế – xã hội, kế hoạch đầu tư công",
                "Phục vụ giám sát chuyên đề thuộc lĩnh vực kinh tế",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành kinh tế, luật hoặc phù hợp",
        ),
        Domain(
            "XH",
            "văn hóa – xã hội",
            (
                "Nghiên cứu, tham gia thẩm tra dự án luật thuộc lĩnh vực lao động, y tế, văn hóa, giáo dục, dân tộc",
                "Theo dõi việc thực hiện chính sách xã hội",
                "Phục vụ giám sát chuyên đề thuộc lĩnh vực xã hội",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành xã hội học, luật, kinh tế hoặc phù hợp",
        ),
        Domain(
            "DN",
            "đối ngoại",
            (
                "Tham mưu, tổ chức các hoạt động đối ngoại của Quốc hội",
                "Chuẩn bị tài liệu, nội dung các đoàn ra, đoàn vào",
                "Theo dõi quan hệ với các nghị viện và tổ chức liên nghị viện",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành quan hệ quốc tế, ngoại ngữ, luật; ngoại ngữ bậc 4 trở lên",
        ),
        Domain(
            "DNG",
            "dân nguyện",
            (
                "Tiếp công dân; tiếp nhận, phân loại, xử lý đơn thư khiếu nại, tố cáo, kiến nghị",
                "Tổng hợp ý kiến, kiến nghị của cử tri gửi tới Quốc hội",
                "Theo dõi, đôn đốc việc giải quyết khiếu nại, tố cáo",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành luật hoặc phù hợp",
        ),
        Domain(
            "BD",
            "bồi dưỡng đại biểu",
            (
                "Xây dựng chương trình, tài liệu bồi dưỡng đại biểu dân cử",
                "Tổ chức các lớp bồi dưỡng kỹ năng, kiến thức cho đại biểu",
                "Đánh giá chất lượng, hiệu quả các khóa bồi dưỡng",
            ),
            "Tốt nghiệp đại học trở lên chuyên ngành luật, sư phạm, hành chính hoặc phù hợp",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class DepartmentSpec:
    code: str
    name: str
    domain: str
    kind: str  # "department" (Vụ), "centre" (Trung tâm: viên chức) or "office" (Văn phòng)
    divisions: tuple[str, ...]


DEPARTMENTS = (
    DepartmentSpec(
        "TCCB",
        "Vụ Tổ chức cán bộ",
        "TC",
        "department",
        (
            "Phòng Quản lý cán bộ, công chức",
            "Phòng Kiểm tra, thanh tra nội bộ",
            "Phòng Tổ chức – Biên chế",
            "Phòng Đào tạo, bồi dưỡng",
            "Phòng Chế độ, chính sách",
        ),
    ),
    DepartmentSpec(
        "VPL",
        "Vụ Pháp luật",
        "PL",
        "department",
        ("Phòng Luật Hành chính", "Phòng Luật Hình sự – Dân sự", "Phòng Thẩm tra văn bản", "Phòng Tổng hợp"),
    ),
    DepartmentSpec(
        "VTH",
        "Vụ Tổng hợp",
        "TH",
        "department",
        ("Phòng Tổng hợp", "Phòng Thư ký – Biên tập", "Phòng Chương trình", "Phòng Thống kê – Báo cáo"),
    ),
    DepartmentSpec(
        "VTT",
        "Vụ Thông tin",
        "TT",
        "department",
        ("Phòng Thông tin", "Phòng Báo chí", "Phòng Thư viện", "Phòng Tư liệu"),
    ),
    DepartmentSpec(
        "VHC",
        "Vụ Hành chính",
        "HC",
        "department",
        ("Phòng Văn thư", "Phòng Lưu trữ", "Phòng Hành chính – Tổng hợp", "Phòng Lễ tân"),
    ),
    DepartmentSpec(
        "TCNS",
        "Vụ Tài chính – Ngân sách",
        "NS",
        "department",
        ("Phòng Ngân sách", "Phòng Kế toán", "Phòng Quản lý tài sản công", "Phòng Tổng hợp"),
    ),
    DepartmentSpec(
        "TTTH",
        "Trung tâm Tin học",
        "CNTT",
        "centre",
        (
            "Phòng Hạ tầng kỹ thuật",
            "Phòng Phát triển phần mềm",
            "Phòng An toàn thông tin",
            "Phòng Dữ liệu và Hỗ trợ người dùng",
        ),
    ),
    DepartmentSpec(
        "VKT",
        "Vụ Kinh tế",
        "KT",
        "department",
        (
            "Phòng Kinh tế tổng hợp",
            "Phòng Công nghiệp – Thương mại",
            "Phòng Nông nghiệp",
            "Phòng Giao thông – Xây dựng",
        ),
    ),
    DepartmentSpec(
        "VXH",
        "Vụ Xã hội",
        "XH",
        "department",
        ("Phòng Lao động – Việc làm", "Phòng Y tế", "Phòng Chính sách xã hội", "Phòng Tổng hợp"),
    ),
    DepartmentSpec(
        "VDNGO",
        "Vụ Đối ngoại",
        "DN",
        "department",
        ("Phòng Châu Á – Thái Bình Dương", "Phòng Châu Âu – Châu Mỹ", "Phòng Đa phương", "Phòng Lễ tân đối ngoại"),
    ),
    DepartmentSpec(
        "VDNG",
        "Vụ Dân nguyện",
        "DNG",
        "department",
        (
            "Phòng Tiếp công dân",
            "Phòng Xử lý đơn thư",
            "Phòng Giám sát giải quyết khiếu nại, tố cáo",
            "Phòng Tổng hợp kiến nghị cử tri",
        ),
    ),
    DepartmentSpec(
        "VQT", "Vụ Quản trị", "HC", "department", ("Phòng Quản trị", "Phòng Đội xe", "Phòng Bảo vệ", "Phòng Phục vụ")
    ),
    DepartmentSpec(
        "VTP", "Vụ Tư pháp", "PL", "department", ("Phòng Tư pháp", "Phòng Phòng, chống tham nhũng", "Phòng Tổng hợp")
    ),
    DepartmentSpec(
        "VQPAN", "Vụ Quốc phòng, An ninh", "PL", "department", ("Phòng Quốc phòng", "Phòng An ninh", "Phòng Tổng hợp")
    ),
    DepartmentSpec(
        "VDT", "Vụ Dân tộc", "XH", "department", ("Phòng Chính sách dân tộc", "Phòng Tổng hợp", "Phòng Giám sát")
    ),
    DepartmentSpec(
        "VVHGD",
        "Vụ Văn hóa, Giáo dục",
        "XH",
        "department",
        ("Phòng Văn hóa – Thể thao", "Phòng Giáo dục – Đào tạo", "Phòng Tổng hợp"),
    ),
    DepartmentSpec(
        "VKHCN",
        "Vụ Khoa học, Công nghệ và Môi trường",
        "KT",
        "department",
        ("Phòng Khoa học – Công nghệ", "Phòng Tài nguyên – Môi trường", "Phòng Tổng hợp"),
    ),
    DepartmentSpec(
        "VCTDB",
        "Vụ Công tác đại biểu",
        "TH",
        "department",
        ("Phòng Quản lý đại biểu", "Phòng Phục vụ hoạt động đại biểu", "Phòng Tổng hợp"),
    ),
    DepartmentSpec(
        "VGS",
        "Vụ Phục vụ hoạt động giám sát",
        "TH",
        "department",
        ("Phòng Giám sát chuyên đề", "Phòng Chất vấn", "Phòng Tổng hợp"),
    ),
    DepartmentSpec(
        "TTBD",
        "Trung tâm Bồi dưỡng đại biểu dân cử",
        "BD",
        "centre",
        ("Phòng Đào tạo", "Phòng Nghiên cứu – Biên soạn tài liệu", "Phòng Hành chính – Tổng hợp"),
    ),
    DepartmentSpec(
        "TTTV",
        "Trung tâm Thông tin, Thư viện và Nghiên cứu khoa học",
        "TT",
        "centre",
        ("Phòng Thư viện", "Phòng Nghiên cứu khoa học", "Phòng Thông tin tư liệu"),
    ),
)
# For agencies far larger than the Office itself, the offices of the delegations of the 34
# provinces and cities serve as further departments.
PROVINCES = (
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
    "Tuyên Quang",
    "Lào Cai",
    "Thái Nguyên",
    "Phú Thọ",
    "Bắc Ninh",
    "Hưng Yên",
    "Hải Phòng",
    "Ninh Bình",
    "Quảng Trị",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đắk Lắk",
    "Thành phố Hồ Chí Minh",
    "Đồng Nai",
    "Tây Ninh",
    "Cần Thơ",
    "Vĩnh Long",
    "Đồng Tháp",
    "Cà Mau",
    "An Giang",
)
OFFICE_DIVISIONS = (
    "Phòng Tổng hợp",
    "Phòng Công tác đại biểu",
    "Phòng Dân nguyện",
    "Phòng Hành chính – Tổ chức – Quản trị",
)


def _province_departments() -> tuple[DepartmentSpec, ...]:
    return tuple(
        DepartmentSpec(
            f"DB{index:02d}",
            f"Văn phòng Đoàn đại biểu Quốc hội {name if name.startswith('Thành phố') else 'tỉnh ' + name}",
            "TH",
            "office",
            OFFICE_DIVISIONS,
        )
        for index, name in enumerate(PROVINCES, start=1)
    )


ALL_DEPARTMENTS = DEPARTMENTS + _province_departments()

# Leadership posts, by kind of unit: (head code, head title, deputy code, deputy title).
LEADERSHIP = {
    "agency": ("LD-CN", "Chủ nhiệm Văn phòng Quốc hội", "LD-PCN", "Phó Chủ nhiệm Văn phòng Quốc hội"),
    "department": ("LD-VT", "Vụ trưởng", "LD-PVT", "Phó Vụ trưởng"),
    "centre": ("LD-GD", "Giám đốc Trung tâm", "LD-PGD", "Phó Giám đốc Trung tâm"),
    "office": ("LD-CVP", "Chánh Văn phòng", "LD-PCVP", "Phó Chánh Văn phòng"),
    "division": ("LD-TP", "Trưởng phòng", "LD-PTP", "Phó Trưởng phòng"),
}
LEADERSHIP_RANKS = {
    "LD-CN": "Chuyên viên cao cấp",
    "LD-PCN": "Chuyên viên cao cấp",
    "LD-VT": "Chuyên viên cao cấp",
    "LD-PVT": "Chuyên viên cao cấp",
    "LD-GD": "Viên chức hạng I",
    "LD-PGD": "Viên chức hạng II",
    "LD-CVP": "Chuyên viên cao cấp",
    "LD-PCVP": "Chuyên viên chính",
    "LD-TP": "Chuyên viên chính",
    "LD-PTP": "Chuyên viên chính",
}
LEADERSHIP_DUTIES = {
    "LD-CN": (
        "Lãnh đạo, quản lý toàn diện hoạt động của Văn phòng Quốc hội",
        "Chịu trách nhiệm trước Ủy ban Thường vụ Quốc hội về hoạt động của Văn phòng",
    ),
    "LD-PCN": ("Giúp Chủ nhiệm phụ trách các lĩnh vực được phân công", "Chỉ đạo các vụ, đơn vị thuộc khối được giao"),
}
GENERIC_LEADER_DUTIES = (
    "Lãnh đạo, quản lý, điều hành hoạt động của đơn vị",
    "Phân công, giao việc, theo dõi, đánh giá kết quả thực hiện nhiệm vụ của công chức, viên chức",
    "Chịu trách nhiệm trước cấp trên về kết quả hoạt động của đơn vị",
)
GENERIC_DEPUTY_DUTIES = (
    "Giúp người đứng đầu đơn vị phụ trách các lĩnh vực được phân công",
    "Thay mặt người đứng đầu điều hành khi được ủy quyền",
)
LEADERSHIP_STANDARDS = (
    "Đáp ứng tiêu chuẩn chức danh lãnh đạo, quản lý theo quy định",
    "Có trình độ lý luận chính trị cao cấp hoặc cao cấp lý luận chính trị – hành chính",
    "Có chứng chỉ bồi dưỡng kiến thức quản lý nhà nước ngạch chuyên viên chính trở lên",
)

# Specialist ranks: (code suffix, rank, title prefix, the standards particular to the rank).
CIVIL_SERVANT_RANKS = (
    (
        "CVCC",
        "Chuyên viên cao cấp",
        "Chuyên viên cao cấp về",
        "Có chứng chỉ bồi dưỡng ngạch chuyên viên cao cấp; tối thiểu 6 năm giữ ngạch chuyên viên chính",
    ),
    (
        "CVC",
        "Chuyên viên chính",
        "Chuyên viên chính về",
        "Có chứng chỉ bồi dưỡng ngạch chuyên viên chính; tối thiểu 9 năm giữ ngạch chuyên viên",
    ),
    ("CV", "Chuyên viên", "Chuyên viên về", "Có chứng chỉ bồi dưỡng ngạch chuyên viên"),
)
# Posts particular to some fields: (domain, code, title, rank, category kind).
SPECIAL_POSTS = (
    ("NS", "NS-KTVC", "Kế toán viên chính", "Kế toán viên chính"),
    ("NS", "NS-KTV", "Kế toán viên", "Kế toán viên"),
    ("NS", "NS-TQ", "Thủ quỹ", "Cán sự"),
    ("HC", "HC-VTV", "Văn thư viên", "Văn thư viên"),
    ("HC", "HC-LTV", "Lưu trữ viên", "Lưu trữ viên"),
    ("HC", "HC-CS", "Cán sự hành chính", "Cán sự"),
)
# Public employees' posts in the centres, senior first.
PUBLIC_EMPLOYEE_POSTS = {
    "CNTT": (
        ("CNTT-KSC", "Kỹ sư chính công nghệ thông tin", "Kỹ sư chính (hạng II)"),
        ("CNTT-ATTT", "An toàn thông tin viên", "An toàn thông tin viên hạng III"),
        ("CNTT-KS", "Kỹ sư công nghệ thông tin", "Kỹ sư (hạng III)"),
        ("CNTT-KTV", "Kỹ thuật viên tin học", "Kỹ thuật viên (hạng IV)"),
    ),
    "BD": (
        ("BD-GVC", "Giảng viên chính", "Giảng viên chính (hạng II)"),
        ("BD-GV", "Giảng viên", "Giảng viên (hạng III)"),
        ("BD-BT", "Biên tập viên tài liệu", "Biên tập viên hạng III"),
    ),
    "TT": (
        ("TT-NCVC", "Nghiên cứu viên chính", "Nghiên cứu viên chính (hạng II)"),
        ("TT-NCV", "Nghiên cứu viên", "Nghiên cứu viên (hạng III)"),
        ("TT-TVV", "Thư viện viên", "Thư viện viên hạng III"),
    ),
}
CONTRACT_POSTS = (
    (
        "HD-LX",
        "Nhân viên lái xe",
        "Lái xe an toàn, bảo quản và bảo dưỡng xe được giao",
        "Có giấy phép lái xe hạng phù hợp",
    ),
    ("HD-BV", "Nhân viên bảo vệ", "Bảo vệ trụ sở, tài sản; kiểm soát ra vào cơ quan", "Có chứng chỉ nghiệp vụ bảo vệ"),
    (
        "HD-PV",
        "Nhân viên phục vụ",
        "Phục vụ hội nghị, phiên họp; vệ sinh, chăm sóc khuôn viên",
        "Tốt nghiệp trung học phổ thông",
    ),
    (
        "HD-KT",
        "Nhân viên kỹ thuật",
        "Vận hành, sửa chữa điện, nước, điều hòa, thiết bị hội trường",
        "Có bằng trung cấp kỹ thuật trở lên",
    ),
)


def _lines(*parts) -> str:
    return "\n".join(parts)


def build_positions() -> list[PositionRow]:
    """The agency's job positions (vị trí việc làm), leadership posts flagged."""
    positions: list[PositionRow] = []
    for head_code, head_title, deputy_code, deputy_title in LEADERSHIP.values():
        positions.append(
            PositionRow(
                code=head_code,
                title=head_title,
                rank=LEADERSHIP_RANKS[head_code],
                is_leadership=True,
                duties=_lines(*LEADERSHIP_DUTIES.get(head_code, GENERIC_LEADER_DUTIES)),
                standards=_lines(*LEADERSHIP_STANDARDS),
            )
        )
        positions.append(
            PositionRow(
                code=deputy_code,
                title=deputy_title,
                rank=LEADERSHIP_RANKS[deputy_code],
                is_leadership=True,
                duties=_lines(*LEADERSHIP_DUTIES.get(deputy_code, GENERIC_DEPUTY_DUTIES)),
                standards=_lines(*LEADERSHIP_STANDARDS),
            )
        )
    for domain in DOMAINS.values():
        for suffix, rank, prefix, rank_standard in CIVIL_SERVANT_RANKS:
            lead = "Chủ trì" if suffix != "CV" else "Tham gia"
            positions.append(
                PositionRow(
                    code=f"{domain.code}-{suffix}",
                    title=f"{prefix} {domain.subject}",
                    rank=rank,
                    duties=_lines(*(f"{lead}: {duty[0].lower()}{duty[1:]}" for duty in domain.duties)),
                    standards=_lines(domain.education, rank_standard, "Sử dụng thành thạo công nghệ thông tin cơ bản"),
                )
            )
    for domain_code, code, title, rank in SPECIAL_POSTS:
        domain = DOMAINS[domain_code]
        positions.append(
            PositionRow(
                code=code,
                title=title,
                rank=rank,
                duties=_lines(*domain.duties),
                standards=_lines(
                    domain.education.replace("đại học", "trung cấp") if rank == "Cán sự" else domain.education
                ),
            )
        )
    for domain_code, posts in PUBLIC_EMPLOYEE_POSTS.items():
        domain = DOMAINS[domain_code]
        for code, title, rank in posts:
            positions.append(
                PositionRow(
                    code=code,
                    title=title,
                    rank=rank,
                    duties=_lines(*domain.duties),
                    standards=_lines(domain.education, f"Đáp ứng tiêu chuẩn chức danh nghề nghiệp {rank}"),
                )
            )
    for code, title, duties, standards in CONTRACT_POSTS:
        positions.append(PositionRow(code=code, title=title, rank="", duties=duties, standards=standards))
    return positions


# --- the structure -------------------------------------------------------------------------------
@dataclass(slots=True)
class DivisionPlan:
    code: str
    name: str
    size: int


@dataclass(slots=True)
class DepartmentPlan:
    spec: DepartmentSpec
    deputies: int
    divisions: list[DivisionPlan] = field(default_factory=list)


def _average_division(size: int) -> float:
    """Divisions grow from about 12 people in a small agency to about 32 in a very large one."""
    return 12 + 20 * min(1.0, size / 20_000)


def _spread(total: int, count: int, low: int, high: int, rng: random.Random) -> list[int]:
    """``count`` random whole numbers between ``low`` and ``high`` that add up to ``total``."""
    if not low * count <= total <= high * count:
        raise ValueError(f"cannot spread {total} over {count} parts of {low}–{high}")
    # Skewed like real units: most near the average, a few large ones up to the limit.
    weights = [rng.lognormvariate(0, 0.5) for _number in range(count)]
    spare = total - low * count
    scale = spare / sum(weights)
    sizes = [min(high, low + int(weight * scale)) for weight in weights]
    left = total - sum(sizes)
    index = 0
    while left:
        if sizes[index % count] < high:
            sizes[index % count] += 1
            left -= 1
        index += 1
    return sizes


def plan_structure(size: int, rng: random.Random) -> tuple[int, list[DepartmentPlan]]:
    """The number of deputies at the top and the departments with their divisions' sizes."""
    if size < MIN_SIZE:
        raise ValueError(_("The demo agency needs at least %(count)d people.") % {"count": MIN_SIZE})
    top_deputies = 4
    average = _average_division(size)
    departments = max(2, min(len(ALL_DEPARTMENTS), round(math.sqrt(size) * 0.63)))
    while True:
        leaders = 1 + top_deputies + departments * 3
        in_divisions = size - leaders
        divisions = max(2 * departments, round(in_divisions / average))
        divisions = min(divisions, in_divisions // DIVISION_MIN)
        divisions = max(divisions, math.ceil(in_divisions / DIVISION_MAX))
        if divisions >= departments:
            break
        departments -= 1
    counts = [divisions // departments] * departments
    for index in rng.sample(range(departments), divisions % departments):
        counts[index] += 1
    # A department with many divisions has a third deputy; its place comes from the divisions.
    extra_deputies = [1 if count >= 8 else 0 for count in counts]
    in_divisions -= sum(extra_deputies)
    sizes = iter(_spread(in_divisions, divisions, DIVISION_MIN, DIVISION_MAX, rng))
    plans = []
    for spec, count, extra in zip(ALL_DEPARTMENTS, counts, extra_deputies):
        plan = DepartmentPlan(spec=spec, deputies=2 + extra)
        for number in range(1, count + 1):
            if number <= len(spec.divisions):
                name = spec.divisions[number - 1]
            else:
                name = f"Phòng Nghiệp vụ {number - len(spec.divisions)}"
            plan.divisions.append(DivisionPlan(code=f"{spec.code}-P{number:02d}", name=name, size=next(sizes)))
        plans.append(plan)
    return top_deputies, plans


# --- people --------------------------------------------------------------------------------------
@dataclass(slots=True)
class _Generator:
    rng: random.Random
    today: date
    people: list[PersonRow] = field(default_factory=list)
    mailboxes: dict[str, int] = field(default_factory=dict)

    def email(self, full_name: str) -> str:
        stem = email_stem(full_name)
        seen = self.mailboxes.get(stem, 0) + 1
        self.mailboxes[stem] = seen
        return f"{stem}{seen if seen > 1 else ''}@{EMAIL_DOMAIN}"

    def dates(self, *, gender: str, youngest: int, oldest: int, career_start: int) -> tuple[date, date]:
        """A birth date for an age between ``youngest`` and ``oldest`` (women retire earlier),
        and a start date after ``career_start`` years of age, never in the future."""
        rng = self.rng
        if gender == "female":
            oldest = min(oldest, 57)
        youngest = min(youngest, oldest)
        age = rng.triangular(youngest, oldest + 0.999, youngest + (oldest - youngest) * 0.35)
        today = self.today.toordinal()
        birth = today - int(age * 365.25)
        started_at = rng.uniform(
            career_start, max(career_start, min(age - 0.5, career_start + (age - career_start) * 0.6))
        )
        start = min(birth + int(started_at * 365.25), today - 31)
        return date.fromordinal(birth), date.fromordinal(start).replace(day=1)

    def person(
        self,
        *,
        unit_code: str,
        category: str,
        position_code: str,
        unit_role: str = "member",
        youngest: int = 23,
        oldest: int = 60,
        male_share: float = 0.46,
    ) -> PersonRow:
        rng = self.rng
        gender = "male" if rng.random() < male_share else "female"
        ethnicity = draw_ethnicity(rng)
        full_name = draw_name(rng, gender, ethnicity)
        career_start = 19 if category == "hop_dong" else 22
        birth, start = self.dates(gender=gender, youngest=youngest, oldest=oldest, career_start=career_start)
        row = PersonRow(
            staff_code=f"NS{len(self.people) + 1:06d}",
            full_name=full_name,
            unit_code=unit_code,
            category=category,
            gender=gender,
            birth_date=birth,
            ethnicity=ethnicity,
            position_code=position_code,
            start_date=start,
            email=self.email(full_name),
            unit_role=unit_role,
        )
        self.people.append(row)
        return row

    def member(self, *, unit_code: str, spec: DepartmentSpec) -> PersonRow:
        rng = self.rng
        contract_share = 0.35 if spec.code == "VQT" else 0.10 if spec.kind == "centre" else 0.05
        if rng.random() < contract_share:
            code = rng.choice(CONTRACT_POSTS)[0]
            return self.person(unit_code=unit_code, category="hop_dong", position_code=code, male_share=0.7)
        if spec.kind == "centre":
            posts = PUBLIC_EMPLOYEE_POSTS[spec.domain]
            # Senior posts are fewer.
            code = posts[min(len(posts) - 1, int(rng.triangular(0, len(posts), len(posts) - 1)))][0]
            return self.person(unit_code=unit_code, category="vien_chuc", position_code=code, male_share=0.55)
        specials = [post for post in SPECIAL_POSTS if post[0] == spec.domain]
        if specials and rng.random() < 0.4:
            return self.person(unit_code=unit_code, category="cong_chuc", position_code=rng.choice(specials)[1])
        draw = rng.random()
        suffix, youngest = ("CVCC", 42) if draw < 0.06 else ("CVC", 32) if draw < 0.38 else ("CV", 23)
        return self.person(
            unit_code=unit_code, category="cong_chuc", position_code=f"{spec.domain}-{suffix}", youngest=youngest
        )


def generate_org(*, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, today: date = REFERENCE_DATE) -> OrgData:
    """A realistic agency of exactly ``size`` people; the same seed gives the same agency."""
    rng = random.Random(seed)
    top_deputies, departments = plan_structure(size, rng)
    generator = _Generator(rng=rng, today=today)
    units = [UnitRow(code=AGENCY_CODE, name=AGENCY_NAME)]
    head_code, _head_title, deputy_code, _deputy_title = LEADERSHIP["agency"]
    generator.person(
        unit_code=AGENCY_CODE,
        category="can_bo",
        position_code=head_code,
        unit_role="head",
        youngest=52,
        oldest=60,
        male_share=0.75,
    )
    for _number in range(top_deputies):
        generator.person(
            unit_code=AGENCY_CODE,
            category="can_bo",
            position_code=deputy_code,
            unit_role="deputy",
            youngest=47,
            oldest=60,
            male_share=0.7,
        )
    for plan in departments:
        spec = plan.spec
        units.append(UnitRow(code=spec.code, name=spec.name, parent_code=AGENCY_CODE))
        category = "vien_chuc" if spec.kind == "centre" else "cong_chuc"
        head_code, _head_title, deputy_code, _deputy_title = LEADERSHIP[spec.kind]
        generator.person(
            unit_code=spec.code,
            category=category,
            position_code=head_code,
            unit_role="head",
            youngest=42,
            oldest=60,
            male_share=0.7,
        )
        for _number in range(plan.deputies):
            generator.person(
                unit_code=spec.code,
                category=category,
                position_code=deputy_code,
                unit_role="deputy",
                youngest=38,
                oldest=60,
                male_share=0.65,
            )
        head_code, _head_title, deputy_code, _deputy_title = LEADERSHIP["division"]
        for division in plan.divisions:
            units.append(UnitRow(code=division.code, name=division.name, parent_code=spec.code))
            deputies = 1 if division.size < 20 else 2
            generator.person(
                unit_code=division.code,
                category=category,
                position_code=head_code,
                unit_role="head",
                youngest=34,
                oldest=60,
                male_share=0.6,
            )
            for _number in range(deputies):
                generator.person(
                    unit_code=division.code,
                    category=category,
                    position_code=deputy_code,
                    unit_role="deputy",
                    youngest=30,
                    oldest=60,
                    male_share=0.55,
                )
            for _number in range(division.size - 1 - deputies):
                generator.member(unit_code=division.code, spec=spec)
    return OrgData(units=units, positions=build_positions(), people=generator.people)
