"""PAdES signing with pyHanko: one incremental signature with an optional visible stamp."""

from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path

from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from .base import SignatureRequest

FONT_PATH = Path(__file__).resolve().parents[2] / "web" / "static" / "fonts" / "LiberationSerif-Regular.ttf"


@functools.lru_cache(maxsize=1)
def _font_factory() -> GlyphAccumulatorFactory:
    # A font with every Vietnamese letter: pyHanko's built-in Courier has none of the diacritics.
    return GlyphAccumulatorFactory(str(FONT_PATH))


_IMAGE_LAYOUT = SimpleBoxLayoutRule(
    x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MAX,
    margins=Margins(0, 0, 0, 0), inner_content_scaling=InnerScaling.SHRINK_TO_FIT)


def stamp_style(text: str, image, font_size: int):
    """The look of a visible signature: the image behind, the text on top, no border."""
    if not text.strip():
        # An image-only stamp (the seal); a text engine with no glyphs would produce a broken font.
        return StaticStampStyle(border_width=0, background=PdfImage(image),
                                background_layout=_IMAGE_LAYOUT)
    return TextStampStyle(
        stamp_text=text.replace("%", "%%"),
        border_width=0,
        background=PdfImage(image) if image is not None else None,
        background_opacity=1.0,
        background_layout=_IMAGE_LAYOUT,
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MIN,
            margins=Margins(2, 2, 2, 2), inner_content_scaling=InnerScaling.NO_SCALING),
        text_box_style=TextBoxStyle(font=_font_factory(), font_size=font_size),
    )


def sign_pdf(pdf: bytes, signer: signers.Signer, request: SignatureRequest, *,
             timestamper=None) -> bytes:
    """Append a PAdES-B-B (or B-T with a time-stamp authority) signature to `pdf`."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    stamp = request.stamp
    field_spec = None
    style = None
    if stamp is not None:
        field_spec = fields.SigFieldSpec(request.field_name, on_page=stamp.page, box=stamp.box)
        style = stamp_style(stamp.text, stamp.image, stamp.font_size)
    meta = signers.PdfSignatureMetadata(
        field_name=request.field_name, reason=request.reason, location=request.location,
        contact_info=request.contact, md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(meta, signer, timestamper=timestamper, stamp_style=style,
                                   new_field_spec=field_spec)
    out = BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()
