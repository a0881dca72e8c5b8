"""The citizen portal: account, online application, my dossiers, supplement, withdrawal, rating."""

from flask import Blueprint

from onestop.web.main import landing_link

bp = Blueprint("citizen", __name__, url_prefix="/cong-dan")
landing_link(
    "citizen",
    "citizen.dossiers",
    "Hồ sơ của tôi",
    "Tình trạng, hạn trả kết quả, bổ sung, rút hồ sơ, tải kết quả",
)
landing_link("citizen", "citizen.profile", "Thông tin tài khoản", "Họ tên, điện thoại, thư điện tử")
landing_link(
    "public",
    "citizen.register",
    "Đăng ký tài khoản",
    "Tài khoản bằng số định danh để nộp và theo dõi hồ sơ",
)

from . import accounts, apply, dossiers  # noqa: E402,F401  (views register on bp)
