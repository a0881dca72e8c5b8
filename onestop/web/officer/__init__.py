"""Officer workspace: desk intake, work queues, the task page, signing, hand-over, leader view."""

from onestop.web.main import landing_link

from . import desk, intake, leader, queues, tasks, tracking  # noqa: F401  (register the views)
from .blueprint import bp

landing_link(
    "officer",
    "officer.queue",
    "Việc cần làm",
    "Hồ sơ của tôi, của đơn vị và được ủy quyền; sắp đến hạn, quá hạn",
)
landing_link(
    "officer",
    "officer.desk",
    "Bộ phận Một cửa",
    "Kiểm tra hồ sơ trực tuyến, tiếp nhận hồ sơ giấy, trả kết quả",
)
landing_link(
    "officer",
    "officer.leader",
    "Lãnh đạo: theo dõi và phân công",
    "Khối lượng, hồ sơ trễ hạn của đơn vị; giao lại việc",
)

__all__ = ["bp"]
