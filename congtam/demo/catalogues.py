"""Demo catalogues: every job position of the demo agency gets a realistic catalogue of 5 to 12
products, drawn from the products of its field of work (legislative review, HR, finance,
IT, …), with factors that weigh a bill's review report against a comment letter.

Deterministic for a given random generator; written through the import, so the catalogues get
their first version and their audit trail like any other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from congtam.catalogue.importer import import_rows
from congtam.catalogue.workbook import CatalogueImportReport, CatalogueRow
from congtam.org.models import Agency, Position

MIN_ITEMS, MAX_ITEMS = 5, 12


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    unit: str
    factor: str
    quality: str


def _p(name: str, unit: str, factor: str, quality: str) -> Product:
    return Product(name, unit, factor, quality)


# Products by field of work; a position draws from the field its code names (see _pool_for).
_REVIEW = (  # legislative review: law, economy, society
    _p(
        "Báo cáo thẩm tra dự án luật",
        "báo cáo",
        "4",
        "Đúng thời hạn trình; phân tích đầy đủ sự cần thiết, tính hợp hiến, hợp pháp, tính thống nhất của hệ thống pháp luật",
    ),
    _p(
        "Báo cáo thẩm tra dự thảo nghị quyết",
        "báo cáo",
        "3",
        "Đúng thời hạn; có ý kiến rõ ràng về từng nội dung lớn của dự thảo",
    ),
    _p(
        "Báo cáo giải trình, tiếp thu, chỉnh lý dự thảo luật",
        "báo cáo",
        "3",
        "Tiếp thu, giải trình đầy đủ ý kiến đại biểu; dự thảo chỉnh lý nhất quán",
    ),
    _p("Tờ trình", "văn bản", "2", "Đúng thể thức theo quy định về công tác văn thư; căn cứ pháp lý chính xác"),
    _p(
        "Văn bản góp ý dự thảo văn bản quy phạm pháp luật",
        "văn bản",
        "1",
        "Ý kiến cụ thể theo từng điều, khoản; gửi đúng hạn",
    ),
    _p(
        "Báo cáo tổng hợp ý kiến đại biểu Quốc hội",
        "báo cáo",
        "2",
        "Tổng hợp đầy đủ, trung thực, phân loại theo nhóm vấn đề",
    ),
    _p(
        "Đề cương khảo sát, giám sát chuyên đề",
        "đề cương",
        "1.5",
        "Mục tiêu, nội dung, đối tượng khảo sát rõ ràng; được lãnh đạo vụ thông qua",
    ),
    _p("Báo cáo kết quả khảo sát, giám sát", "báo cáo", "2.5", "Số liệu có nguồn; kiến nghị khả thi, đúng thẩm quyền"),
    _p(
        "Biên bản, ghi chép phiên họp thẩm tra",
        "biên bản",
        "0.5",
        "Ghi đầy đủ ý kiến phát biểu; hoàn thành trong ngày làm việc",
    ),
    _p(
        "Tài liệu nghiên cứu, thông tin chuyên đề",
        "tài liệu",
        "1.5",
        "Thông tin chính xác, cập nhật, có so sánh kinh nghiệm quốc tế khi cần",
    ),
    _p("Bài phát biểu, đề cương phát biểu cho lãnh đạo", "bài", "1", "Đúng chủ trương, bám sát nội dung phiên họp"),
    _p("Văn bản trả lời kiến nghị của cơ quan, tổ chức", "văn bản", "0.75", "Đúng thẩm quyền, đúng hạn, đúng thể thức"),
    _p(
        "Hồ sơ dự án luật trình Ủy ban Thường vụ Quốc hội",
        "hồ sơ",
        "2",
        "Đủ thành phần hồ sơ theo Luật Ban hành văn bản quy phạm pháp luật",
    ),
)
FIELDS: dict[str, tuple[Product, ...]] = {
    "PL": _REVIEW,
    "KT": _REVIEW,
    "XH": _REVIEW,
    "TC": (
        _p(
            "Đề án vị trí việc làm, cơ cấu ngạch công chức",
            "đề án",
            "4",
            "Đúng hướng dẫn của Bộ Nội vụ; được cấp có thẩm quyền phê duyệt",
        ),
        _p("Hồ sơ tuyển dụng công chức", "hồ sơ", "2", "Đủ thành phần, đúng quy trình; công khai theo quy định"),
        _p(
            "Hồ sơ bổ nhiệm, bổ nhiệm lại cán bộ lãnh đạo",
            "hồ sơ",
            "2.5",
            "Đúng quy trình, đủ thủ tục; không để sai sót về tiêu chuẩn",
        ),
        _p("Quyết định nâng bậc lương, nâng ngạch", "quyết định", "0.5", "Đúng thời hạn, đúng đối tượng, đúng chế độ"),
        _p(
            "Báo cáo đánh giá, xếp loại chất lượng công chức",
            "báo cáo",
            "3",
            "Số liệu khớp với kết quả đã phê duyệt; đúng thời hạn",
        ),
        _p("Kế hoạch đào tạo, bồi dưỡng hằng năm", "kế hoạch", "2", "Bám sát nhu cầu các đơn vị; có dự toán kinh phí"),
        _p("Hồ sơ khen thưởng, kỷ luật", "hồ sơ", "1.5", "Đúng thẩm quyền, đúng trình tự; căn cứ đầy đủ"),
        _p("Cập nhật hồ sơ công chức vào cơ sở dữ liệu", "hồ sơ", "0.2", "Thông tin chính xác, khớp hồ sơ gốc"),
        _p(
            "Báo cáo thống kê số lượng, chất lượng cán bộ",
            "báo cáo",
            "1.5",
            "Đúng biểu mẫu, số liệu chính xác đến thời điểm báo cáo",
        ),
        _p("Văn bản trả lời đơn, chế độ chính sách", "văn bản", "0.75", "Đúng quy định, đúng hạn"),
        _p("Quyết định điều động, luân chuyển", "quyết định", "1", "Đúng thẩm quyền; có ý kiến của đơn vị liên quan"),
        _p("Tờ trình", "văn bản", "2", "Đúng thể thức; căn cứ pháp lý chính xác"),
    ),
    "TH": (
        _p("Chương trình công tác tháng, quý", "chương trình", "2", "Đầy đủ nội dung, đúng thời hạn trình lãnh đạo"),
        _p(
            "Báo cáo tổng hợp tình hình hoạt động",
            "báo cáo",
            "2.5",
            "Số liệu chính xác, đánh giá khách quan, có kiến nghị",
        ),
        _p(
            "Thông báo kết luận phiên họp",
            "thông báo",
            "1.5",
            "Phản ánh đúng ý kiến kết luận; ban hành trong 3 ngày làm việc",
        ),
        _p("Biên bản phiên họp", "biên bản", "1", "Ghi đầy đủ, trung thực; hoàn thành trong ngày"),
        _p(
            "Báo cáo theo dõi việc thực hiện kết luận, nghị quyết",
            "báo cáo",
            "2",
            "Đầy đủ danh mục kết luận; nêu rõ việc chưa hoàn thành",
        ),
        _p("Tài liệu phục vụ phiên họp", "bộ", "1.5", "Phát hành đúng hạn; đúng danh mục được duyệt"),
        _p("Báo cáo thống kê định kỳ", "báo cáo", "1", "Đúng biểu mẫu, đúng kỳ"),
        _p("Đề cương, dàn ý báo cáo của lãnh đạo", "đề cương", "1", "Bám sát chỉ đạo; đủ các nội dung chính"),
        _p("Văn bản đôn đốc, nhắc việc", "văn bản", "0.3", "Gửi đúng đối tượng, đúng thời điểm"),
        _p("Lịch công tác tuần", "lịch", "0.5", "Chính xác, cập nhật kịp thời khi có thay đổi"),
        _p("Tờ trình", "văn bản", "2", "Đúng thể thức; căn cứ pháp lý chính xác"),
    ),
    "TT": (
        _p(
            "Tin bài trên cổng thông tin điện tử", "tin bài", "0.5", "Chính xác, kịp thời; được biên tập trước khi đăng"
        ),
        _p("Bài viết chuyên sâu, phóng sự", "bài", "2", "Nội dung đúng định hướng, có số liệu kiểm chứng"),
        _p("Bản tin thông tin tham khảo", "số", "2", "Thông tin chọn lọc, có nguồn, phát hành đúng kỳ"),
        _p("Báo cáo tổng hợp dư luận báo chí", "báo cáo", "1.5", "Đủ các cơ quan báo chí chính; phân loại vấn đề"),
        _p("Họp báo, thông cáo báo chí", "cuộc", "2", "Chuẩn bị đủ tài liệu; thông cáo phát hành đúng giờ"),
        _p("Trả lời yêu cầu thông tin của đại biểu", "yêu cầu", "1", "Đúng hạn; thông tin chính xác, có nguồn"),
        _p("Tài liệu nghiên cứu, chuyên đề", "tài liệu", "3", "Phương pháp rõ ràng; kết luận có căn cứ"),
        _p("Biên mục, số hóa tài liệu thư viện", "tài liệu", "0.1", "Đúng chuẩn biên mục; dữ liệu tra cứu được"),
        _p("Phục vụ bạn đọc, tra cứu", "lượt", "0.05", "Đáp ứng trong ngày"),
        _p("Tư liệu ảnh, video về hoạt động của Quốc hội", "bộ", "0.5", "Đủ chú thích, lưu trữ đúng quy định"),
        _p(
            "Biên tập nội dung trang chuyên mục", "chuyên mục", "1", "Cập nhật ít nhất hằng tuần; không có lỗi chính tả"
        ),
    ),
    "HC": (
        _p(
            "Đăng ký, chuyển giao văn bản đến",
            "văn bản",
            "0.05",
            "Chuyển trong ngày; đăng ký đủ thông tin trên hệ thống",
        ),
        _p("Phát hành văn bản đi", "văn bản", "0.05", "Đúng thể thức, đúng địa chỉ, đúng thời gian"),
        _p("Lập hồ sơ công việc, nộp lưu", "hồ sơ", "0.5", "Đúng danh mục hồ sơ; nộp lưu đúng hạn"),
        _p("Chỉnh lý tài liệu lưu trữ", "mét giá", "1.5", "Đúng quy trình chỉnh lý; mục lục đầy đủ"),
        _p("Phục vụ hội nghị, phiên họp", "cuộc", "1", "Chuẩn bị đầy đủ phòng họp, tài liệu, thiết bị"),
        _p("Sao y, sao lục, đóng dấu văn bản", "văn bản", "0.02", "Đúng thẩm quyền, đúng thể thức"),
        _p("Báo cáo công tác văn thư, lưu trữ", "báo cáo", "1.5", "Đúng biểu mẫu, số liệu chính xác"),
        _p("Kiểm kê tài sản, trang thiết bị", "đợt", "2", "Đầy đủ, khớp sổ sách"),
        _p("Mua sắm văn phòng phẩm, vật tư", "đợt", "1", "Đúng quy định mua sắm; có chứng từ đầy đủ"),
        _p("Phục vụ lễ tân, đón tiếp khách", "lượt", "0.5", "Chu đáo, đúng nghi thức"),
        _p("Số hóa tài liệu lưu trữ", "hồ sơ", "0.2", "Bản số rõ nét, đúng dữ liệu đặc tả"),
    ),
    "NS": (
        _p("Dự toán ngân sách năm", "dự toán", "4", "Đúng định mức, đúng hạn trình; thuyết minh đầy đủ"),
        _p("Báo cáo quyết toán kinh phí", "báo cáo", "3", "Số liệu khớp sổ kế toán; được cơ quan tài chính chấp thuận"),
        _p("Chứng từ thanh toán", "chứng từ", "0.1", "Hợp lệ, hợp pháp; kiểm soát trước khi chi"),
        _p("Báo cáo tài chính định kỳ", "báo cáo", "2", "Đúng chế độ kế toán, đúng hạn"),
        _p("Hồ sơ mua sắm tài sản công", "hồ sơ", "2", "Đúng quy trình lựa chọn nhà thầu"),
        _p("Đối chiếu, kiểm kê quỹ tiền mặt", "lần", "0.5", "Khớp số liệu; lập biên bản đầy đủ"),
        _p("Bảng lương, phụ cấp hằng tháng", "bảng", "1", "Chính xác, chi đúng kỳ"),
        _p("Sổ kế toán chi tiết", "sổ", "1", "Ghi chép kịp thời, khớp chứng từ"),
        _p("Báo cáo công khai ngân sách", "báo cáo", "1", "Đúng mẫu, đúng thời hạn công khai"),
        _p("Văn bản hướng dẫn chế độ chi tiêu", "văn bản", "1.5", "Đúng quy định hiện hành"),
        _p("Hồ sơ thanh lý tài sản", "hồ sơ", "1", "Đủ thủ tục, đúng thẩm quyền"),
    ),
    "CNTT": (
        _p("Xử lý yêu cầu hỗ trợ người dùng", "yêu cầu", "0.1", "Xử lý trong ngày; người dùng xác nhận hoàn thành"),
        _p("Chức năng phần mềm được phát triển", "chức năng", "2", "Đạt kiểm thử chấp nhận; có tài liệu hướng dẫn"),
        _p("Sửa lỗi phần mềm", "lỗi", "0.5", "Không phát sinh lỗi mới; có kiểm thử hồi quy"),
        _p("Báo cáo đánh giá an toàn thông tin", "báo cáo", "2.5", "Đủ hạng mục theo cấp độ hệ thống; có khuyến nghị"),
        _p("Sao lưu, phục hồi dữ liệu", "lần", "0.3", "Đúng lịch; kiểm tra phục hồi thành công"),
        _p("Cấu hình, bảo trì máy chủ, thiết bị mạng", "thiết bị", "0.5", "Hệ thống hoạt động ổn định sau bảo trì"),
        _p("Hồ sơ thiết kế hệ thống", "hồ sơ", "3", "Được hội đồng kỹ thuật thông qua"),
        _p("Tài liệu hướng dẫn sử dụng", "tài liệu", "1", "Đầy đủ chức năng; dễ hiểu với người dùng"),
        _p("Đào tạo, hướng dẫn người dùng", "buổi", "1", "Có tài liệu; người học đánh giá đạt"),
        _p("Xử lý sự cố an toàn thông tin", "sự cố", "1.5", "Khắc phục đúng thời gian quy định; có báo cáo sự cố"),
        _p("Cập nhật dữ liệu lên cơ sở dữ liệu", "bản ghi", "0.01", "Dữ liệu chính xác, đủ trường bắt buộc"),
        _p("Kế hoạch ứng dụng công nghệ thông tin", "kế hoạch", "3", "Phù hợp kiến trúc Chính phủ số; có dự toán"),
    ),
    "DN": (
        _p("Đề án đoàn ra, đoàn vào", "đề án", "3", "Đúng chủ trương đối ngoại; được phê duyệt đúng hạn"),
        _p("Tài liệu, đề cương hội đàm", "bộ", "2", "Nội dung chính xác, bám sát mục tiêu chuyến thăm"),
        _p(
            "Báo cáo kết quả chuyến công tác nước ngoài",
            "báo cáo",
            "1.5",
            "Nộp trong 15 ngày sau chuyến đi; có kiến nghị",
        ),
        _p("Bản dịch tài liệu", "trang", "0.1", "Dịch chính xác, đúng thuật ngữ"),
        _p("Phiên dịch hội đàm, làm việc", "buổi", "1", "Truyền đạt chính xác, đầy đủ"),
        _p("Thư, điện mừng, điện chia buồn", "văn bản", "0.3", "Đúng nghi thức đối ngoại, gửi kịp thời"),
        _p("Báo cáo nghiên cứu về nghị viện nước ngoài", "báo cáo", "2", "Thông tin cập nhật, có nguồn"),
        _p("Kế hoạch đón tiếp đoàn quốc tế", "kế hoạch", "1.5", "Chi tiết lịch trình, phân công rõ ràng"),
        _p("Biên bản ghi nhớ hợp tác", "văn bản", "2.5", "Được các bên thống nhất; đúng thẩm quyền ký"),
        _p("Báo cáo theo dõi quan hệ với tổ chức liên nghị viện", "báo cáo", "1.5", "Đầy đủ hoạt động trong kỳ"),
    ),
    "DNG": (
        _p("Tiếp công dân", "lượt", "0.2", "Ghi sổ đầy đủ; hướng dẫn đúng quy định"),
        _p("Phân loại, xử lý đơn thư", "đơn", "0.1", "Xử lý trong 10 ngày; chuyển đúng cơ quan có thẩm quyền"),
        _p("Văn bản chuyển đơn, đôn đốc giải quyết", "văn bản", "0.3", "Đúng thẩm quyền, đúng hạn"),
        _p("Báo cáo tổng hợp kiến nghị của cử tri", "báo cáo", "3", "Tổng hợp đầy đủ, phân loại theo lĩnh vực"),
        _p(
            "Báo cáo kết quả giám sát giải quyết khiếu nại, tố cáo",
            "báo cáo",
            "2.5",
            "Có số liệu, đánh giá và kiến nghị cụ thể",
        ),
        _p("Hồ sơ vụ việc phức tạp, kéo dài", "hồ sơ", "2", "Đủ tài liệu, có đề xuất hướng xử lý"),
        _p("Báo cáo công tác dân nguyện định kỳ", "báo cáo", "1.5", "Đúng kỳ, đúng biểu mẫu"),
        _p("Cập nhật cơ sở dữ liệu đơn thư", "đơn", "0.02", "Thông tin chính xác, cập nhật trong ngày"),
        _p("Đề cương làm việc với cơ quan chức năng", "đề cương", "1", "Nêu rõ vụ việc và yêu cầu"),
    ),
    "BD": (
        _p("Chương trình, giáo trình bồi dưỡng", "chương trình", "4", "Được hội đồng khoa học thông qua"),
        _p("Bài giảng, chuyên đề bồi dưỡng", "chuyên đề", "2", "Nội dung cập nhật; học viên đánh giá đạt trở lên"),
        _p("Giờ giảng trên lớp", "giờ", "0.1", "Đúng kế hoạch; đủ hồ sơ giảng dạy"),
        _p("Tổ chức lớp bồi dưỡng", "lớp", "2.5", "Đủ học viên, đúng kế hoạch; có báo cáo kết quả"),
        _p("Tài liệu bồi dưỡng được biên tập", "tài liệu", "1.5", "Không có lỗi nội dung, chính tả"),
        _p("Phiếu, báo cáo đánh giá khóa học", "báo cáo", "1", "Tổng hợp đủ phiếu; có đề xuất cải tiến"),
        _p("Đề tài nghiên cứu khoa học cấp cơ sở", "đề tài", "5", "Được nghiệm thu đạt trở lên"),
        _p("Bài viết đăng tạp chí chuyên ngành", "bài", "2", "Được đăng trên tạp chí có mã số"),
        _p("Hội thảo, tọa đàm chuyên môn", "cuộc", "2", "Đủ tài liệu; có kỷ yếu"),
    ),
}
LEADERSHIP = (
    _p(
        "Chủ trì xây dựng kế hoạch công tác của đơn vị",
        "kế hoạch",
        "3",
        "Đúng thời hạn; bám sát chương trình công tác của cơ quan",
    ),
    _p(
        "Phân công, giao việc và theo dõi tiến độ",
        "kỳ",
        "2",
        "Mọi công chức đều có nhiệm vụ, sản phẩm rõ ràng trong kỳ",
    ),
    _p(
        "Cho ý kiến, ký duyệt văn bản, báo cáo",
        "văn bản",
        "0.3",
        "Đúng thẩm quyền, đúng hạn; không để văn bản tồn đọng",
    ),
    _p("Chủ trì cuộc họp, hội nghị", "cuộc", "1", "Có kết luận rõ ràng; thông báo kết luận kịp thời"),
    _p("Báo cáo công tác định kỳ với cấp trên", "báo cáo", "2", "Trung thực, đầy đủ, đúng hạn"),
    _p("Đánh giá, xếp loại công chức thuộc quyền", "kỳ", "2", "Đúng quy trình, có căn cứ, đúng thời hạn"),
    _p("Chỉ đạo xử lý công việc đột xuất", "việc", "1.5", "Giải quyết kịp thời, đúng thẩm quyền"),
    _p(
        "Tham gia phiên họp, làm việc với cơ quan liên quan",
        "cuộc",
        "1",
        "Có ý kiến tham gia bằng văn bản khi được yêu cầu",
    ),
    _p("Tiếp và làm việc với đoàn công tác", "cuộc", "1", "Chuẩn bị nội dung chu đáo"),
    _p("Kiểm tra nội bộ, đôn đốc thực hiện kết luận", "đợt", "1.5", "Có biên bản, theo dõi khắc phục"),
    _p("Sơ kết, tổng kết công tác", "báo cáo", "3", "Đánh giá khách quan, có bài học kinh nghiệm"),
)
CONTRACT_POSTS = {
    "HD-LX": (
        _p("Chuyến xe phục vụ công tác", "chuyến", "0.3", "Đúng giờ, an toàn; nhật trình ghi đầy đủ"),
        _p("Chuyến công tác đường dài", "chuyến", "1", "An toàn tuyệt đối; xe sạch sẽ"),
        _p("Bảo dưỡng định kỳ xe", "lần", "0.5", "Đúng lịch bảo dưỡng; sổ bảo dưỡng cập nhật"),
        _p("Quyết toán nhiên liệu", "tháng", "0.5", "Khớp nhật trình, đúng định mức"),
        _p("Kiểm tra kỹ thuật xe trước chuyến", "lần", "0.05", "Đủ hạng mục kiểm tra"),
        _p("Báo cáo tình trạng xe", "báo cáo", "0.3", "Phát hiện kịp thời hư hỏng"),
    ),
    "HD-BV": (
        _p("Ca trực bảo vệ", "ca", "0.5", "Không để mất an ninh, trật tự; sổ trực ghi đầy đủ"),
        _p("Kiểm soát người, phương tiện ra vào", "ca", "0.3", "Đúng quy chế ra vào cơ quan"),
        _p("Tuần tra khuôn viên ban đêm", "lượt", "0.2", "Đúng lộ trình, đúng giờ"),
        _p("Kiểm tra phòng cháy, chữa cháy", "lần", "0.5", "Phát hiện và báo cáo kịp thời nguy cơ"),
        _p("Bảo vệ hội nghị, sự kiện", "cuộc", "1", "An toàn tuyệt đối cho sự kiện"),
        _p("Báo cáo sự việc bất thường", "báo cáo", "0.3", "Báo cáo ngay trong ca trực"),
    ),
    "HD-PV": (
        _p("Phục vụ hội nghị, phiên họp", "cuộc", "0.5", "Chu đáo, đúng giờ"),
        _p("Vệ sinh khu làm việc", "ngày", "0.2", "Sạch sẽ trước giờ làm việc"),
        _p("Chăm sóc cây xanh, khuôn viên", "tuần", "0.5", "Cây xanh tốt, khuôn viên gọn gàng"),
        _p("Phục vụ tiếp khách", "lượt", "0.2", "Lịch sự, đúng nghi thức"),
        _p("Chuẩn bị phòng họp", "lần", "0.1", "Đủ trang thiết bị, nước uống"),
    ),
    "HD-KT": (
        _p("Sửa chữa điện, nước", "lần", "0.3", "Khắc phục trong ngày; an toàn điện"),
        _p("Vận hành hệ thống âm thanh hội trường", "cuộc", "0.5", "Không có sự cố trong phiên họp"),
        _p("Bảo trì điều hòa, thang máy", "lần", "0.5", "Đúng lịch bảo trì; có biên bản"),
        _p("Kiểm tra định kỳ hệ thống điện", "lần", "1", "Đủ hạng mục; phát hiện kịp thời hư hỏng"),
        _p("Lắp đặt, di chuyển thiết bị", "lần", "0.3", "An toàn, không hư hỏng thiết bị"),
        _p("Báo cáo vật tư thay thế", "báo cáo", "0.3", "Khớp thực tế sử dụng"),
    ),
}
GENERIC = (
    _p("Báo cáo chuyên đề", "báo cáo", "2", "Đúng thời hạn; nội dung đầy đủ, có kiến nghị"),
    _p("Tờ trình", "văn bản", "2", "Đúng thể thức; căn cứ pháp lý chính xác"),
    _p("Văn bản góp ý", "văn bản", "1", "Ý kiến cụ thể, gửi đúng hạn"),
    _p("Công văn hành chính", "văn bản", "0.5", "Đúng thể thức, đúng thẩm quyền"),
    _p("Kế hoạch công tác", "kế hoạch", "1.5", "Cụ thể, khả thi, đúng hạn"),
    _p("Biên bản cuộc họp", "biên bản", "0.5", "Ghi đầy đủ, trung thực"),
    _p("Báo cáo định kỳ", "báo cáo", "1", "Đúng biểu mẫu, đúng kỳ"),
    _p("Hồ sơ công việc", "hồ sơ", "0.5", "Lập và nộp lưu đúng quy định"),
)
# Short prefixes for the product codes of each pool.
_PREFIX = {
    "PL": "TT",
    "KT": "TT",
    "XH": "TT",
    "TC": "TC",
    "TH": "TH",
    "TT": "TTIN",
    "HC": "HC",
    "NS": "NS",
    "CNTT": "CNTT",
    "DN": "DN",
    "DNG": "DNG",
    "BD": "BD",
}


def _pool_for(position: Position) -> tuple[str, tuple[Product, ...]]:
    """The products a position draws from: its contract post, leadership, its field (the code's
    first part: PL-CV, NS-KTV, CNTT-KS…) or, failing all, general office work."""
    if position.code in CONTRACT_POSTS:
        return position.code.replace("-", ""), CONTRACT_POSTS[position.code]
    if position.is_leadership or position.code.startswith("LD-"):
        return "LD", LEADERSHIP
    field = position.code.split("-", 1)[0]
    if field in FIELDS:
        return _PREFIX[field], FIELDS[field]
    return "SP", GENERIC


def demo_rows(positions: list[Position], rng: random.Random) -> list[CatalogueRow]:
    rows = []
    for position in positions:
        prefix, pool = _pool_for(position)
        count = rng.randint(min(MIN_ITEMS, len(pool)), min(MAX_ITEMS, len(pool)))
        for index in sorted(rng.sample(range(len(pool)), count)):
            product = pool[index]
            rows.append(
                CatalogueRow(
                    position_code=position.code,
                    code=f"{prefix}{index + 1:02d}",
                    name=product.name,
                    unit=product.unit,
                    factor=Decimal(product.factor),
                    quality_requirement=product.quality,
                )
            )
    return rows


def load_demo_catalogues(agency: Agency, rng: random.Random) -> CatalogueImportReport:
    """Give every job position of ``agency`` its demo catalogue (version 1, or a new version if it
    had one), through the import. Raises RuntimeError if the import refuses the rows."""
    positions = list(Position.objects.filter(agency=agency).order_by("code"))
    report = import_rows(demo_rows(positions, rng), actor=None, reason=_("Demo catalogues"))
    if not report.ok:
        raise RuntimeError("; ".join(issue.message for issue in report.errors))
    return report
