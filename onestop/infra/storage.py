"""Content-addressed file storage: bytes are kept under their sha256, never under a given name."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

import filetype


class FileStore:
    """A directory of files named by sha256 (two-level fan-out)."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes (idempotent) and return their sha256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        return digest

    def get(self, sha256: str) -> bytes:
        return self._path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self._path(sha256).exists()


def detect_media_type(data: bytes) -> str:
    """The media type read from the content itself; plain text when no signature matches."""
    kind = filetype.guess(data)
    if kind is not None:
        return kind.mime
    try:
        data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"
