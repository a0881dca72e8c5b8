"""What the applicant is told on each status change, by e-mail and by SMS."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import current_app

# event → (what happened, what to do next)
TEXTS = {
    "submitted": (
        "Hồ sơ đã được nộp trực tuyến và đang chờ Bộ phận Một cửa kiểm tra.",
        "Bạn sẽ nhận được mã hồ sơ khi hồ sơ được tiếp nhận.",
    ),
    "received": (
        "Hồ sơ đã được tiếp nhận.",
        "Giấy tiếp nhận hồ sơ và hẹn trả kết quả có trong trang hồ sơ.",
    ),
    "supplement_requested": (
        "Hồ sơ cần bổ sung, hoàn thiện.",
        "Vui lòng xem nội dung yêu cầu và gửi bổ sung trên trang hồ sơ.",
    ),
    "supplement_completed": ("Đã nhận hồ sơ bổ sung; hồ sơ tiếp tục được giải quyết.", ""),
    "refused": (
        "Hồ sơ bị từ chối giải quyết.",
        "Lý do được ghi trong văn bản từ chối trên trang hồ sơ.",
    ),
    "withdrawn": ("Hồ sơ đã dừng giải quyết theo yêu cầu của bạn.", ""),
    "cancelled": ("Hồ sơ đã được hủy theo yêu cầu của bạn.", ""),
    "suspended": ("Việc giải quyết hồ sơ tạm dừng.", ""),
    "resumed": ("Hồ sơ tiếp tục được giải quyết.", ""),
    "processed": ("Hồ sơ đã có kết quả.", "Bạn có thể tải kết quả có chữ ký số trên trang hồ sơ."),
    "returned": ("Kết quả đã được trả.", "Mời bạn đánh giá mức độ hài lòng trên trang hồ sơ."),
    "apologised": (
        "Hồ sơ bị chậm so với hẹn; cơ quan đã gửi thư xin lỗi và hẹn lại ngày trả kết quả.",
        "",
    ),
}
EVENTS = tuple(TEXTS)


def _when(at) -> str:
    zone = ZoneInfo(current_app.config["ONESTOP_TIMEZONE"])
    return at.astimezone(zone).strftime("%H:%M %d/%m/%Y") if at else ""


def tracking_url(dossier) -> str:
    """The applicant's page of this dossier."""
    return f"{current_app.config['ONESTOP_PUBLIC_URL'].rstrip('/')}/cong-dan/ho-so/{dossier.id}"


def _label(dossier) -> str:
    return dossier.code or "(chưa cấp mã)"


def email(event: str, dossier) -> tuple[str, str]:
    """Subject and body of the e-mail for an event."""
    happened, next_step = TEXTS[event]
    procedure = dossier.procedure_version.procedure.name
    lines = [
        f"Kính gửi {dossier.applicant_name},",
        "",
        f"Hồ sơ {_label(dossier)} — {procedure}:",
        happened,
    ]
    if dossier.due_at and dossier.is_open:
        lines.append(f"Hẹn trả kết quả: {_when(dossier.due_at)}.")
    if dossier.outcome_reason and event in ("refused", "withdrawn", "cancelled"):
        lines.append(f"Lý do: {dossier.outcome_reason}")
    if next_step:
        lines.append(next_step)
    lines += [
        "",
        f"Theo dõi hồ sơ: {tracking_url(dossier)}",
        "",
        "Bộ phận Một cửa — thư gửi tự động, vui lòng không trả lời.",
    ]
    return f"[Một cửa] Hồ sơ {_label(dossier)}: {happened.rstrip('.')}", "\n".join(lines)


def sms(event: str, dossier) -> str:
    """The SMS text for an event (short, one segment where possible)."""
    happened, _ = TEXTS[event]
    due = f" Hen tra: {_when(dossier.due_at)}." if dossier.due_at and event == "received" else ""
    return f"Mot cua: Ho so {_label(dossier)}: {happened}{due}"
