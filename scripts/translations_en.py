#!/usr/bin/env python
"""Write the English catalogue (translations/en/LC_MESSAGES/messages.po and .mo).

Strings not listed here fall back to Vietnamese, the language of record. `make translations`
re-extracts messages.pot so that translators see what is still missing.
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

ENGLISH = {
    # Layout, home, login, errors
    "Hệ thống thông tin một cửa điện tử": "Electronic one-stop administrative procedure system",
    "Một cửa điện tử": "Electronic one-stop",
    "Trang của tôi": "My page",
    "Bàn làm việc": "Workspace",
    "Quản trị": "Administration",
    "Đăng xuất": "Log out",
    "Đăng nhập": "Log in",
    "Bạn đã đăng xuất.": "You have logged out.",
    "Tên đăng nhập (số định danh cá nhân hoặc tài khoản cán bộ)":
        "Username (personal identification number or officer account)",
    "Mật khẩu": "Password",
    "Về trang chủ": "Back to the home page",
    "Xin chào, %(name)s.": "Hello, %(name)s.",
    "Nộp hồ sơ thủ tục hành chính trực tuyến, theo dõi tiến độ, nhận kết quả có chữ ký số.":
        "Submit administrative procedure dossiers online, follow their progress and receive "
        "digitally signed results.",
    "Yêu cầu không hợp lệ.": "The request is not valid.",
    "Bạn cần đăng nhập để tiếp tục.": "Please log in to continue.",
    "Bạn không có quyền thực hiện thao tác này.": "You are not allowed to do this.",
    "Không tìm thấy trang hoặc hồ sơ bạn yêu cầu.":
        "The page or dossier you asked for was not found.",
    "Phương thức không được hỗ trợ cho địa chỉ này.": "This method is not supported here.",
    "Dữ liệu đã được người khác thay đổi. Vui lòng tải lại và thử lại.":
        "Someone else changed this first. Please reload and try again.",
    "Tệp tải lên quá lớn.": "The uploaded file is too large.",
    "Bạn đã thử quá nhiều lần. Vui lòng chờ rồi thử lại.":
        "Too many attempts. Please wait and try again.",
    "Hệ thống gặp lỗi. Thao tác chưa được thực hiện; vui lòng thử lại sau.":
        "Something went wrong. Nothing was changed; please try again later.",
    "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và gửi lại.":
        "Your session expired or the form is not valid. Please reload the page and send it "
        "again.",
    "Tệp tải lên quá lớn: tối đa %(mb)s MB.": "The uploaded file is too large: at most %(mb)s MB.",
    # Landing-page cards
    "Thủ tục hành chính": "Administrative procedures",
    "Tìm thủ tục, xem thành phần hồ sơ, lệ phí, thời hạn và nộp trực tuyến":
        "Find a procedure, see its documents, fee and time limit, and apply online",
    "Tra cứu hồ sơ": "Look up a dossier",
    "Xem tình trạng hồ sơ bằng mã hồ sơ và số điện thoại hoặc số định danh":
        "See a dossier's status with its code and a phone or identification number",
    "Đăng ký tài khoản": "Register",
    "Tài khoản bằng số định danh để nộp và theo dõi hồ sơ":
        "An account under your identification number to submit and follow dossiers",
    "Thống kê đúng hạn": "On-time statistics",
    "Tỷ lệ giải quyết hồ sơ đúng hạn theo cơ quan và thủ tục":
        "Share of dossiers resolved on time, by agency and procedure",
    "Nộp hồ sơ trực tuyến": "Apply online",
    "Tìm thủ tục và nộp hồ sơ": "Find a procedure and submit a dossier",
    "Hồ sơ của tôi": "My dossiers",
    "Tình trạng, hạn trả kết quả, bổ sung, rút hồ sơ, tải kết quả":
        "Status, due date, supplements, withdrawal, result download",
    "Kho dữ liệu điện tử": "Electronic data store",
    "Kết quả và giấy tờ đã nộp, dùng lại cho hồ sơ sau":
        "Results and submitted documents, reusable in later dossiers",
    "Thông tin tài khoản": "Account details",
    "Họ tên, điện thoại, thư điện tử": "Name, phone, e-mail",
    "Việc cần làm": "Tasks",
    "Hồ sơ của tôi, của đơn vị và được ủy quyền; sắp đến hạn, quá hạn":
        "My, my unit's and delegated dossiers; due soon, overdue",
    "Bộ phận Một cửa": "One-stop desk",
    "Kiểm tra hồ sơ trực tuyến, tiếp nhận hồ sơ giấy, trả kết quả":
        "Check online dossiers, register paper dossiers, hand results over",
    "Lãnh đạo: theo dõi và phân công": "Leaders: follow up and assign",
    "Khối lượng, hồ sơ trễ hạn của đơn vị; giao lại việc":
        "Workload and late dossiers of the units; reassign work",
    "Văn bản, giấy tờ": "Papers and documents",
    "Tình trạng ký số các phiếu và kết quả; thử lại khi lỗi":
        "Signing status of papers and results; retry on failure",
    "Thống kê, báo cáo": "Statistics and reports",
    "Báo cáo tình hình giải quyết TTHC toàn tỉnh":
        "Report on the handling of administrative procedures province-wide",
    "Tỷ lệ đúng hạn, hồ sơ quá hạn, báo cáo định kỳ": "On-time rate, overdue dossiers, periodic report",
    # API docs page
    "Tài liệu máy đọc được:": "Machine-readable description:",
    "Xác thực bằng tiêu đề": "Authenticate with the header",
    "Phương thức": "Method",
    "Đường dẫn": "Path",
    "Mô tả": "Description",
    "Xác thực": "Authentication",
    "Có": "Yes",
    "Không": "No",
    "Lược đồ dữ liệu": "Schemas",
    "bắt buộc": "required",
}


def main() -> None:
    root = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES"
    root.mkdir(parents=True, exist_ok=True)
    catalog = Catalog(locale="en", project="onestop", charset="utf-8")
    for source, english in ENGLISH.items():
        catalog.add(source, english)
    with open(root / "messages.po", "wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    with open(root / "messages.mo", "wb") as handle:
        write_mo(handle, catalog)
    print(f"wrote {len(ENGLISH)} English strings to {root}")


if __name__ == "__main__":
    main()
