"""Problems found in returned files: data, not exceptions. Each type has a code, a severity and
Vietnamese words for the province: what is wrong and how to fix it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from ..vnformat import number

Severity = Literal["fatal", "error", "warning", "note"]


@dataclass(frozen=True)
class IssueType:
    """A declared kind of problem: severity, message template and the fix, in Vietnamese."""

    severity: Severity
    message: str
    fix: str


SEND_XLSX = "Mở biểu mẫu gốc do Cụm gửi, nhập số liệu và lưu lại dạng Excel (.xlsx), rồi gửi lại."

TYPES: dict[str, IssueType] = {
    # the file as a whole: the submission is rejected
    "empty-file": IssueType("fatal", "Tệp rỗng (0 byte).", SEND_XLSX),
    "file-too-large": IssueType("fatal", "Tệp quá lớn ({detail}) so với một biểu mẫu.", SEND_XLSX),
    "not-a-workbook": IssueType("fatal", "Tệp không phải là bảng tính Excel (.xlsx).", SEND_XLSX),
    "corrupt-zip": IssueType("fatal", "Tệp bị hỏng hoặc tải về không trọn vẹn {detail}.", "Lưu lại tệp và gửi lại."),
    "csv-file": IssueType("fatal", "Tệp là văn bản CSV, không phải biểu mẫu Excel.", SEND_XLSX),
    "html-file": IssueType("fatal", "Tệp là trang HTML đổi đuôi thành .xlsx.", SEND_XLSX),
    "ods-file": IssueType(
        "fatal", "Tệp là bảng tính OpenDocument (.ods).", "Chọn «Lưu thành» định dạng Excel 2007-365 (.xlsx)."
    ),
    "docx-file": IssueType("fatal", "Tệp là văn bản Word, không phải biểu mẫu Excel.", SEND_XLSX),
    "xlsb-file": IssueType("fatal", "Tệp là bảng tính nhị phân (.xlsb).", "Chọn «Lưu thành» định dạng Excel (.xlsx)."),
    "legacy-xls": IssueType("fatal", "Tệp là Excel 97-2003 (.xls), đã mất tên ô của biểu mẫu.", SEND_XLSX),
    "encrypted": IssueType(
        "fatal",
        "Tệp được đặt mật khẩu nên không đọc được.",
        "Gỡ mật khẩu mở tệp (Tệp > Thông tin > Bảo vệ sổ làm việc), lưu và gửi lại.",
    ),
    "strict-ooxml": IssueType(
        "fatal",
        "Tệp lưu ở định dạng «Strict Open XML».",
        "Chọn «Lưu thành» kiểu «Sổ làm việc Excel (.xlsx)» thông thường.",
    ),
    "dtd-forbidden": IssueType("fatal", "Tệp chứa khai báo DTD/ENTITY không được phép ({detail}).", SEND_XLSX),
    "zip-bomb": IssueType("fatal", "Tệp có cấu trúc nén bất thường ({detail}).", SEND_XLSX),
    "unreadable": IssueType("fatal", "Không đọc được tệp: {detail}.", SEND_XLSX),
    "not-read": IssueType(
        "fatal",
        "Chưa đọc được tệp ({detail}); đây là sự cố tạm thời trên máy của Cụm.",
        "Không cần gửi lại: tệp được đọc lại ở lần chạy «emuxl collect» sau (máy bận: tăng --timeout).",
    ),
    "cannot-open": IssueType(
        "fatal",
        "Không mở được tệp trên máy của Cụm ({detail}).",
        "Cấp quyền đọc tệp cho người chạy emuxl, hoặc chép lại tệp vào inbox, rồi chạy lại «emuxl collect».",
    ),
    "link-refused": IssueType(
        "fatal",
        "Đây là liên kết (symlink) tới «{detail}», không phải tệp; emuxl không đi theo liên kết.",
        "Chép chính tệp nhận được (không phải liên kết) vào inbox rồi chạy lại «emuxl collect».",
    ),
    "special-file": IssueType(
        "fatal",
        "Đây không phải tệp thông thường (ống dẫn, thiết bị, socket).",
        "Chép chính tệp nhận được vào inbox rồi chạy lại «emuxl collect».",
    ),
    "duplicate-definition": IssueType(
        "fatal",
        "Tệp có hai định nghĩa cho {detail}: không biết số liệu nằm ở đâu.",
        "Không sao chép trang tính hay tên ô; nhập số liệu vào biểu mẫu gốc do Cụm gửi và gửi lại.",
    ),
    "misplaced-definition": IssueType(
        "fatal",
        "Tên ô {field} trỏ tới {detail}, không phải cột tiêu chí của trang «{sheet}».",
        "Không đổi tên ô, sao chép hay cắt dán hàng; nhập lại số liệu vào biểu mẫu gốc do Cụm gửi.",
    ),
    "deleted-row": IssueType(
        "fatal",
        "Hàng của {detail} trên trang «{sheet}» đã bị xóa (tên ô {field} không còn).",
        "Không xóa hàng của biểu mẫu; nhập lại số liệu vào biểu mẫu gốc do Cụm gửi.",
    ),
    "not-a-form": IssueType("fatal", "Tệp không phải biểu mẫu của Cụm (không có trang thông tin biểu mẫu).", SEND_XLSX),
    "wrong-campaign": IssueType(
        "fatal", "Biểu mẫu của cụm «{found}», không phải «{expected}».", "Dùng biểu mẫu của {expected}."
    ),
    "wrong-year": IssueType(
        "fatal", "Biểu mẫu năm {found}, không phải năm {expected}.", "Dùng biểu mẫu năm {expected}."
    ),
    "wrong-kind": IssueType("fatal", "Loại biểu mẫu «{found}» không được hỗ trợ.", SEND_XLSX),
    "unknown-member": IssueType("fatal", "Mã đơn vị «{found}» không thuộc Cụm.", "Dùng biểu mẫu mang tên đơn vị mình."),
    "wrong-member": IssueType(
        "fatal",
        "Tiêu đề ghi «{found}» nhưng biểu mẫu thuộc {expected}.",
        "Dùng đúng biểu mẫu mang tên đơn vị mình, không sao chép biểu của đơn vị khác.",
    ),
    "old-form-version": IssueType(
        "fatal",
        "Biểu mẫu cũ: bảng tiêu chí trong tệp khác bảng tiêu chí hiện hành.",
        "Nhập lại số liệu vào biểu mẫu mới nhất do Cụm gửi.",
    ),
    "tampered-definition": IssueType(
        "fatal",
        "Ô {cell} ({indicator}) đã bị sửa: «{found}», đúng phải là «{expected}».",
        "Không sửa tên tiêu chí, điểm tối đa, cách chấm; dùng lại biểu mẫu gốc.",
    ),
    "missing-sheet": IssueType(
        "fatal",
        "Thiếu trang tính «{expected}» (đã bị xóa hoặc đổi tên).",
        "Không xóa hay đổi tên trang tính; dùng lại biểu mẫu gốc.",
    ),
    "missing-names": IssueType(
        "fatal",
        "Tệp đã mất các tên ô của biểu mẫu (ví dụ {expected}).",
        "Không sao chép sang tệp mới; nhập trực tiếp vào biểu mẫu gốc.",
    ),
    # one value: the indicator scores 0 until fixed
    "missing-input": IssueType("error", "Chưa nhập «{label}».", "Nhập số liệu vào ô {cell}{hint}."),
    "not-a-number": IssueType(
        "error", "Ô {cell} phải là số nhưng đang chứa «{raw}».", "Nhập một số, không nhập chữ hay đơn vị."
    ),
    "text-number": IssueType(
        "error", "Ô {cell} chứa số dạng văn bản «{raw}» (đọc được là {suggested}).", "Nhập lại ô {cell} dưới dạng số."
    ),
    "vietnamese-number": IssueType(
        "error",
        "Ô {cell} chứa số gõ dạng văn bản «{raw}» (nếu dấu phẩy là dấu thập phân thì là {suggested}).",
        "Nhập lại ô {cell} dưới dạng số, dùng dấu thập phân của máy.",
    ),
    "ambiguous-number": IssueType(
        "error",
        "Ô {cell} chứa «{raw}»: không rõ dấu «.»/«,» là phân cách hàng nghìn hay thập phân.",
        "Nhập lại ô {cell} dưới dạng số để không bị hiểu sai.",
    ),
    "percent-cell": IssueType(
        "error",
        "Ô {cell} hiển thị {shown}% nhưng giá trị trong ô là {raw} (ô đang định dạng phần trăm); "
        "tiêu chí tính bằng %, nên số phải nhập là {shown}.",
        "Định dạng ô {cell} là số và nhập {shown} (không gõ dấu %).",
    ),
    "date-value": IssueType(
        "error", "Ô {cell} chứa ngày tháng «{raw}» thay vì số.", "Định dạng ô là số và nhập lại giá trị."
    ),
    "error-value": IssueType("error", "Ô {cell} chứa lỗi công thức {raw}.", "Sửa ô {cell} thành một giá trị số."),
    "not-finite": IssueType("error", "Ô {cell} chứa giá trị không hợp lệ «{raw}».", "Nhập một số hữu hạn."),
    "out-of-range": IssueType(
        "error", "Ô {cell}: giá trị {raw} ngoài khoảng cho phép ({detail}).", "Kiểm tra và nhập lại ô {cell}."
    ),
    "formula-in-input": IssueType(
        "error", "Ô nhập liệu {cell} chứa công thức «{raw}».", "Thay công thức bằng giá trị (Dán đặc biệt > Giá trị)."
    ),
    "merged-input": IssueType("error", "Ô nhập liệu {cell} bị gộp ({detail}).", "Bỏ gộp ô (Unmerge) và nhập lại."),
    "not-a-choice": IssueType(
        "error",
        "Ô {cell} chứa «{raw}», không có trong danh sách ({detail}).",
        "Chọn một giá trị trong danh sách của ô.",
    ),
    "broken-name": IssueType("error", "Tên ô {field} không còn trỏ tới ô nào (hàng/cột đã bị xóa).", SEND_XLSX),
    "misplaced-name": IssueType(
        "error",
        "Tên ô {name} trỏ tới {detail}, không phải ô «{label}» của tiêu chí {indicator}; số liệu ở đó không được dùng.",
        "Không đổi tên ô hay cắt dán ô nhập liệu; nhập «{label}» vào đúng ô của tiêu chí {indicator} và gửi lại.",
    ),
    "malformed-number": IssueType(
        "error",
        "Ô {cell} chứa số viết sai quy cách «{raw}» (tệp đã bị sửa bằng công cụ khác Excel).",
        "Mở tệp bằng Excel hoặc LibreOffice, nhập lại số vào ô {cell}, lưu và gửi lại.",
    ),
    # worth knowing; the value is used
    "self-score-differs": IssueType(
        "warning",
        "Điểm tự chấm {found} khác điểm tính theo quy định {expected}.",
        "Kiểm tra lại số liệu; điểm chính thức là điểm tính theo quy định.",
    ),
    "implausible-value": IssueType(
        "warning",
        "Ô {cell} ({indicator}): {detail}.",
        "Nếu số liệu đúng thì không cần sửa; nếu nhầm (thừa, thiếu chữ số, sai đơn vị), sửa và gửi lại.",
    ),
    "formula-like-text": IssueType(
        "warning", "Ô {cell} bắt đầu bằng «{detail}»; được lưu nguyên dạng văn bản.", "Nếu không chủ ý, xóa ký tự đầu."
    ),
    "control-characters": IssueType(
        "warning", "Ô {cell} chứa ký tự điều khiển không in được.", "Gõ lại nội dung ô {cell}."
    ),
    "text-too-long": IssueType(
        "warning",
        "Ô {cell} dài {detail} ký tự; vẫn được lưu đầy đủ.",
        "Rút gọn nội dung, đưa chi tiết vào văn bản kèm theo.",
    ),
    "macros-ignored": IssueType(
        "note", "Tệp có macro; macro không được chạy và không được lưu lại.", "Lần sau lưu dạng .xlsx thông thường."
    ),
    "superseded": IssueType(
        "note", "Đã có tệp mới hơn của đơn vị ({detail}); tệp này chỉ lưu lịch sử.", "Không cần làm gì."
    ),
    "duplicate-file": IssueType("note", "Tệp giống hệt tệp đã nhận trước đó; bỏ qua.", "Không cần làm gì."),
}


@dataclass(frozen=True)
class Issue:
    """One problem in one returned file, located as precisely as possible."""

    code: str
    severity: Severity
    message: str
    fix: str
    sheet: str = ""
    cell: str = ""
    indicator: str = ""
    field: str = ""
    raw: str = ""
    suggested: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The issue as plain data (for JSON and the store)."""
        return asdict(self)


def count(issues: list[Issue], kind: str) -> int:
    """How many issues are errors (they reject a file or zero a score) or warnings."""
    severities = ("fatal", "error") if kind == "errors" else ("warning",)
    return sum(1 for i in issues if i.severity in severities)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def make_issue(code: str, **kw: Any) -> Issue:
    """An issue of a declared type, its message and fix filled from the keyword arguments."""
    kind = TYPES[code]
    words = _Blank({k: "" if v is None else str(v) for k, v in kw.items()})
    if kw.get("suggested") is not None:
        words["suggested"] = number(kw["suggested"], 10)
    located = {k: str(kw.get(k) or "") for k in ("sheet", "cell", "indicator", "field", "raw")}
    return Issue(
        code,
        kind.severity,
        kind.message.format_map(words).replace("  ", " ").replace(" .", "."),
        kind.fix.format_map(words),
        suggested=kw.get("suggested"),
        **located,
    )


def file_issue(code: str, **kw: Any) -> Issue:
    """An issue about the whole file."""
    return make_issue(code, **kw)
