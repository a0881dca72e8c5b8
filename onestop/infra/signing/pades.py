"""PAdES signing with pyHanko: one incremental signature with an optional visible stamp."""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
from pyhanko.sign import fields, signers
from pyhanko.stamp import StaticStampStyle

from .appearance import compose
from .base import SignatureRequest, Stamp

_IMAGE_LAYOUT = SimpleBoxLayoutRule(
    x_align=AxisAlignment.ALIGN_MID,
    y_align=AxisAlignment.ALIGN_MID,
    margins=Margins(0, 0, 0, 0),
    inner_content_scaling=InnerScaling.SHRINK_TO_FIT,
)


def stamp_style(stamp: Stamp) -> StaticStampStyle:
    """The look of a visible signature: one transparent picture (image and text), no border."""
    left, bottom, right, top = stamp.box
    picture = compose((right - left, top - bottom), stamp.text, stamp.image, stamp.font_size)
    return StaticStampStyle(
        border_width=0,
        background=PdfImage(picture),
        background_layout=_IMAGE_LAYOUT,
        background_opacity=1.0,
    )


def sign_pdf(
    pdf: bytes, signer: signers.Signer, request: SignatureRequest, *, timestamper=None
) -> bytes:
    """Append a PAdES-B-B (or B-T with a time-stamp authority) signature to `pdf`."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    stamp = request.stamp
    field_spec = None
    style = None
    if stamp is not None:
        field_spec = fields.SigFieldSpec(request.field_name, on_page=stamp.page, box=stamp.box)
        style = stamp_style(stamp)
    meta = signers.PdfSignatureMetadata(
        field_name=request.field_name,
        reason=request.reason,
        location=request.location,
        contact_info=request.contact,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=style, new_field_spec=field_spec
    )
    out = BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()
