"""The Vietnamese words of campaign.xlsx: sheet names, labels and help of the schema's keys, words for values.

Keyed by key path (``report.signatory.name``; ``members.code`` for a column
of «Thành viên»). A key of the schema missing here still gets its row or
column, labelled with its key path and its English description, so keys added
to the schema appear in the workbook without this table changing; giving them
Vietnamese words is one line here.
"""

from __future__ import annotations

from typing import Any

GUIDE_SHEET = "Hướng dẫn"
CLUSTER_SHEET = "Cụm"
MEMBERS_SHEET = "Thành viên"
SECTIONS_SHEET = "Phần"
INDICATORS_SHEET = "Tiêu chí"
METHODS_SHEET = "Phương pháp"

# key path -> (label, one-line help). Labels are unique: the reader finds a row or column by them.
LABELS: dict[str, tuple[str, str]] = {
    # «Cụm»: campaign.yaml
    "cluster": ("Tên Cụm thi đua", "Tên chính thức của Cụm, ví dụ: Cụm thi đua các tỉnh Tây Nam Bộ"),
    "year": ("Năm thi đua", "Năm được chấm điểm, ví dụ: 2024"),
    "chair": ("Cụm trưởng (mã thành viên)", "Mã của đơn vị làm Cụm trưởng, chọn trong danh sách của sheet Thành viên"),
    "deputies": ("Cụm phó (mã, theo thứ tự)", "Mã các đơn vị làm Cụm phó, cách nhau bởi dấu ; (ví dụ: 84; 86)"),
    "awards": ("Chỉ tiêu khen thưởng", ""),
    "awards.flag": (
        "Số Cờ thi đua của Chính phủ",
        "Số Cờ được đề nghị; để trống: 2 nếu Cụm trên 8 thành viên, 1 nếu ít hơn",
    ),
    "awards.merit": (
        "Số Bằng khen của Thủ tướng Chính phủ",
        "Số Bằng khen được đề nghị; để trống: 2 nếu Cụm trên 8 thành viên, 1 nếu ít hơn",
    ),
    "deadline": ("Hạn gửi lại biểu chấm điểm", "Ngày các đơn vị phải gửi lại biểu (dd/mm/yyyy), in trên biểu"),
    "contact": ("Nơi nhận biểu (cơ quan, e-mail)", "In trên biểu: các đơn vị gửi biểu đã điền về đâu"),
    "illustrative": ("Bảng tiêu chí chỉ là ví dụ", "Đúng: bảng minh họa, không phải bảng chính thức của Cụm"),
    "ranking": ("Quy tắc xếp hạng, xét khen thưởng", ""),
    "ranking.tie_break": (
        "Khi bằng điểm, xét lần lượt",
        "Thứ tự xét khi bằng tổng điểm: Phần <mã> (điểm của phần), Số chỉ tiêu đạt kế hoạch, Điểm chấm chéo",
    ),
    "ranking.decimals": ("Số chữ số thập phân khi công bố", "Xếp hạng theo tổng điểm làm tròn đến số chữ số này"),
    "ranking.section_floor": (
        "Tỷ lệ điểm tối thiểu mỗi phần để xét Cờ",
        "Để xét Cờ, mỗi phần phải đạt tỷ lệ này của điểm tối đa của phần (0–1); để trống: không xét",
    ),
    "ranking.targets_share": (
        "Tỷ lệ chỉ tiêu đạt kế hoạch để xét Cờ",
        "Để xét Cờ, phải đạt kế hoạch ở tỷ lệ này của các chỉ tiêu có kế hoạch (0–1); để trống: không xét",
    ),
    "ranking.rotation": (
        "Cách chọn Cụm trưởng năm sau",
        "Theo thứ tự danh sách thành viên, hoặc theo kết quả xếp hạng",
    ),
    "ranking.next_chair": ("Cụm trưởng năm sau (nếu đã thống nhất)", "Mã thành viên; để trống: theo cách chọn ở trên"),
    "report": ("Báo cáo, tờ trình, biên bản", ""),
    "report.issuer": (
        "Cơ quan ban hành (chữ in hoa)",
        "In ở góc trái đầu văn bản, ví dụ: ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG",
    ),
    "report.issuer_parent": ("Cơ quan cấp trên (nếu có)", "In phía trên tên cơ quan ban hành"),
    "report.number": ("Số báo cáo tổng kết", "Ví dụ: 15/BC-UBND"),
    "report.proposal_number": ("Số tờ trình khen thưởng", "Ví dụ: 16/TTr-UBND"),
    "report.minutes_number": ("Số biên bản họp bình xét", "Ví dụ: 01/BB-CTĐ"),
    "report.proposal_to": ("Tờ trình kính gửi", "Cơ quan nhận tờ trình đề nghị khen thưởng"),
    "report.place": ("Địa danh ở dòng ngày tháng", "Ví dụ: Sóc Trăng"),
    "report.date": ("Ngày ban hành văn bản", "dd/mm/yyyy; để trống: ngày in văn bản"),
    "report.signatory": ("Người ký", ""),
    "report.signatory.on_behalf": ("Dòng thẩm quyền", "Ví dụ: TM. ỦY BAN NHÂN DÂN"),
    "report.signatory.acting": ("Dòng ký thay", "Ví dụ: KT. CHỦ TỊCH; gõ (không) nếu không có dòng này"),
    "report.signatory.title": ("Chức vụ người ký", "Ví dụ: PHÓ CHỦ TỊCH"),
    "report.signatory.name": ("Họ và tên người ký", ""),
    "report.recipients": ("Nơi nhận", "Mỗi dòng một nơi nhận (Alt+Enter để xuống dòng trong ô)"),
    "report.legal_basis": ("Căn cứ", "Mỗi dòng một căn cứ; dòng căn cứ giao ước thi đua được thêm tự động"),
    "report.member_noun": ("Cách gọi thành viên trong câu", "Ví dụ: tỉnh; tỉnh, thành phố; xã; đơn vị"),
    "report.situation": ("I. Tình hình chung", "Đoạn văn in vào mục I của báo cáo"),
    "report.assessment": ("III. Đánh giá chung", "Đoạn văn in vào mục III của báo cáo"),
    "report.tasks": ("V. Nhiệm vụ năm sau", "Đoạn văn in vào mục V của báo cáo"),
    "report.recommendations": ("VI. Kiến nghị, đề xuất", "Đoạn văn in vào mục VI của báo cáo"),
    # keys DESIGN.md announces (report.meeting, decisions, previous): words ready for when they arrive
    "report.meeting": ("Cuộc họp bình xét", ""),
    "report.meeting.date": ("Ngày họp", "dd/mm/yyyy"),
    "report.meeting.place": ("Địa điểm họp", ""),
    "report.meeting.chaired_by": ("Chủ trì cuộc họp", ""),
    "report.meeting.secretary": ("Thư ký cuộc họp", ""),
    "report.meeting.attendees": ("Thành phần dự họp", ""),
    "decisions": ("Kết quả bình xét", ""),
    "decisions.votes": ("Kết quả bỏ phiếu", ""),
    "decisions.awards": ("Khen thưởng được thống nhất", ""),
    "decisions.next_chair": ("Cụm trưởng năm sau được bầu", "Mã thành viên"),
    "decisions.next_deputies": ("Cụm phó năm sau được bầu", "Mã thành viên, cách nhau bởi dấu ;"),
    "previous": ("Thư mục năm trước", "Thư mục chiến dịch năm trước, để so sánh cùng kỳ"),
    # «Cụm»: indicators.yaml
    "catalogue.scale": (
        "Tổng điểm chuẩn của bảng tiêu chí",
        "Tổng điểm tối đa các tiêu chí (không kể điểm thưởng, điểm trừ), thường là 1000",
    ),
    # «Thành viên»
    "members.code": ("Mã", "Mã đơn vị hành chính (ví dụ 80), gõ như chữ"),
    "members.name": ("Tên", "Tên chính thức, ví dụ: Long An"),
    "members.predecessors": (
        "Đơn vị trước sáp nhập",
        "Các đơn vị cũ của Cụm đã nhập vào đơn vị này, để so sánh với năm trước: 83: Bến Tre; 84: Trà Vinh",
    ),
    "members.predecessors.code": ("mã", ""),
    "members.predecessors.name": ("tên", ""),
    "members.veto": (
        "Vi phạm (không xét Cờ)",
        "Vi phạm nghiêm trọng làm đơn vị không được xét khen thưởng, ghi bằng lời; để trống nếu không có",
    ),
    # «Phần»
    "sections.code": ("Mã phần", "Chữ in hoa, ví dụ: A"),
    "sections.title": ("Tên phần", "Ví dụ: Phát triển kinh tế"),
    # «Tiêu chí»
    "indicators.section": ("Phần", "Mã phần của tiêu chí, chọn trong danh sách (sheet Phần)"),
    "indicators.code": ("Mã", "Mã tiêu chí, duy nhất: chữ in hoa và số, ví dụ A01"),
    "indicators.title": ("Tiêu chí", "Tên tiêu chí như trong giao ước"),
    "indicators.unit": ("Đơn vị", "Đơn vị tính số liệu: tỷ đồng, %, vụ …; để trống nếu không có"),
    "indicators.points": ("Điểm", "Điểm tối đa (điểm trừ: số điểm trừ nhiều nhất)"),
    "indicators.method": ("Phương pháp", "Cách chấm điểm, chọn trong danh sách (xem sheet Phương pháp)"),
    "indicators.aggregate": ("Số liệu toàn Cụm", "Trong báo cáo: cộng số liệu các đơn vị, lấy trung bình, hoặc không"),
    "indicators.description": (
        "Cách chấm (in trên biểu)",
        "Để trống: emuxl tự viết cách chấm theo phương pháp và tham số",
    ),
}

# words for values: key path -> value -> what the drop-down shows ("section:" is a prefix: «Phần A»)
CHOICES: dict[str, dict[Any, str]] = {
    "indicators.aggregate": {"sum": "Cộng", "mean": "Trung bình", "none": "Không"},
    "ranking.rotation": {"order": "Theo thứ tự danh sách", "rank": "Theo kết quả xếp hạng"},
    "ranking.tie_break": {"section:": "Phần ", "above_plan": "Số chỉ tiêu đạt kế hoạch", "peer": "Điểm chấm chéo"},
}

# key paths whose value is a member's code: the cell offers the codes of «Thành viên»
MEMBER_CODE_KEYS = frozenset({"chair", "ranking.next_chair", "decisions.next_chair"})

# examples of parameter notations, by parameter key, for the sheet's notes and input messages
EXAMPLES: dict[str, str] = {
    "bands": "10:1; 30:0,8; 50:0,6",
    "shares": "1; 0,9; 0,8",
    "levels": "Hoàn thành xuất sắc nhiệm vụ=1; Hoàn thành tốt nhiệm vụ=0,7; Hoàn thành nhiệm vụ=0,4",
}


def label(key: str, fallback: str = "") -> str:
    """The Vietnamese label of a key path, else the key path itself."""
    return LABELS.get(key, (fallback or key, ""))[0]


def help_text(key: str, fallback: str = "") -> str:
    """The Vietnamese one-line help of a key path, else the schema's English description."""
    found = LABELS.get(key)
    return found[1] if found and found[1] else fallback
