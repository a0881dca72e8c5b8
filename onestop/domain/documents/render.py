"""HTML to PDF with WeasyPrint: packaged assets only (never the network), and where to stamp."""

from __future__ import annotations

import base64
import io
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import qrcode
from flask import render_template
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

STATIC = (Path(__file__).resolve().parents[2] / "web" / "static").resolve()
STATIC_SCHEME = "static:"
PX_TO_PT = 0.75  # CSS pixels are 1/96 inch, PDF points 1/72 inch
SIGNATURE_IDS = ("sig-signer",)


class ForbiddenFetch(ValueError):
    """A template asked for a resource outside the packaged static files."""


def url_fetcher(url: str, timeout: int = 10, ssl_context=None) -> dict:
    """Serve `static:` URLs from onestop/web/static and data: URIs; refuse everything else."""
    if url.startswith("data:"):
        header, _, payload = url.partition(",")
        mime = header[5:].split(";")[0] or "text/plain"
        data = base64.b64decode(payload) if header.endswith(";base64") else payload.encode()
        return {"string": data, "mime_type": mime}
    if url.startswith(STATIC_SCHEME):
        path = (STATIC / url[len(STATIC_SCHEME) :].lstrip("/")).resolve()
        if STATIC not in path.parents or not path.is_file():
            raise ForbiddenFetch(f"no packaged asset {url!r}")
        return {
            "string": path.read_bytes(),
            "mime_type": mimetypes.guess_type(path.name)[0] or "application/octet-stream",
        }
    raise ForbiddenFetch(f"papers may only use packaged assets, not {url!r}")


def qr_data_uri(text: str) -> str:
    """A QR code for `text` as a PNG data URI."""
    image = qrcode.make(text, box_size=6, border=1)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass(frozen=True)
class Rendered:
    """A rendered PDF and the boxes (page, PDF points) reserved for visible signatures."""

    pdf: bytes
    page_count: int
    boxes: dict[str, tuple[int, tuple[float, float, float, float]]]


_fonts = FontConfiguration()


def render_html(html: str) -> Rendered:
    """Lay out and write the PDF; find the signature boxes the template reserved by id."""
    document = HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=url_fetcher).render(
        font_config=_fonts
    )
    boxes = {}
    for number, page in enumerate(document.pages):
        page_height_pt = page.height * PX_TO_PT
        for box in _descendants(page._page_box):
            element = getattr(box, "element", None)
            element_id = element.get("id") if element is not None else None
            if element_id in SIGNATURE_IDS and element_id not in boxes:
                left = box.border_box_x() * PX_TO_PT
                top = box.border_box_y() * PX_TO_PT
                right = left + box.border_width() * PX_TO_PT
                bottom = top + box.border_height() * PX_TO_PT
                boxes[element_id] = (
                    number,
                    (left, page_height_pt - bottom, right, page_height_pt - top),
                )
    pdf = document.write_pdf(pdf_version="1.7", custom_metadata=True)
    return Rendered(pdf, len(document.pages), boxes)


def render_template_pdf(template: str, context: dict) -> Rendered:
    """Render `templates/papers/<template>` with the frozen context."""
    return render_html(render_template(f"papers/{template}", **context))


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _descendants(child)
