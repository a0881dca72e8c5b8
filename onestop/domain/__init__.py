"""The rules of the one-stop mechanism; nothing here reads flask.request or flask.session."""


class DomainError(Exception):
    """A rule refused an operation; `message` is shown to the user as is."""

    status = 400

    def __init__(self, message: str, field: str | None = None, **details):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    """Someone else changed the thing first; reload and try again."""

    status = 409
