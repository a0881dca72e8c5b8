"""Error pages and JSON errors: say what happened, never show a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from onestop.domain import DomainError
from onestop.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Yêu cầu không hợp lệ.",
    401: "Bạn cần đăng nhập để tiếp tục.",
    403: "Bạn không có quyền thực hiện thao tác này.",
    404: "Không tìm thấy trang hoặc hồ sơ bạn yêu cầu.",
    405: "Phương thức không được hỗ trợ cho địa chỉ này.",
    409: "Dữ liệu đã được người khác thay đổi. Vui lòng tải lại và thử lại.",
    413: "Tệp tải lên quá lớn.",
    429: "Bạn đã thử quá nhiều lần. Vui lòng chờ rồi thử lại.",
    500: "Hệ thống gặp lỗi. Thao tác chưa được thực hiện; vui lòng thử lại sau.",
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, message: str | None = None, errors: dict | None = None):
    message = message or _(MESSAGES.get(status, MESSAGES[500]))
    if wants_json():
        body = {"message": message, "status": status}
        if errors:
            body["errors"] = errors
        return jsonify(body), status
    return render_template(
        "errors/error.html", status=status, message=message, errors=errors or {}
    ), status


def init_errors(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        db.session.rollback()
        errors = {exc.field: [exc.message]} if exc.field else None
        return error_response(exc.status, exc.message, errors)

    @app.errorhandler(StaleDataError)
    def stale(exc):
        # Optimistic locking lost a race that the domain did not catch first.
        db.session.rollback()
        return error_response(409)

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return error_response(
            400,
            _(
                "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                "Vui lòng tải lại trang và gửi lại."
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = None
        if exc.code == 413:
            limit = app.config["ONESTOP_MAX_UPLOAD_MB"]
            message = _("Tệp tải lên quá lớn: tối đa %(mb)s MB.", mb=limit)
        elif exc.code == 400 and exc.description and exc.description != exc.__class__.description:
            message = exc.description
        return error_response(exc.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(500)
