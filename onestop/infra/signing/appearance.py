"""The picture of a visible signature: the image (signature or seal) with the text lines beside it.

The text is drawn with Liberation Serif into the picture rather than with a PDF font, so every
Vietnamese letter shows exactly as laid out, whatever viewer opens the file.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = (
    Path(__file__).resolve().parents[2] / "web" / "static" / "fonts" / "LiberationSerif-Regular.ttf"
)
SCALE = 4  # pixels per PDF point: sharp enough to print
INK = (0, 0, 0, 255)


@functools.lru_cache(maxsize=8)
def _font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT), size_px)


def compose(
    box_size: tuple[float, float], text: str, image=None, font_size: float = 8
) -> Image.Image:
    """A transparent picture the size of the box: `image` on the left, the text lines over it."""
    width, height = (max(1, int(v * SCALE)) for v in box_size)
    canvas = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    lines = [line for line in text.split("\n") if line.strip()]
    if image is not None:
        picture = image.copy()
        if lines:  # the signature above, the text lines below
            picture.thumbnail((int(width * 0.6), int(height * 0.7)))
            canvas.alpha_composite(picture, (int(width * 0.2), 0))
        else:  # a seal alone fills its box
            picture.thumbnail((width, height))
            canvas.alpha_composite(
                picture, ((width - picture.width) // 2, (height - picture.height) // 2)
            )
    if lines:
        size = int(font_size * SCALE)
        font = _font(size)
        while size > 8 and max(font.getlength(line) for line in lines) > width - 4:
            size -= 2
            font = _font(size)
        line_height = int(size * 1.2)
        y = height - line_height * len(lines) - 2
        draw = ImageDraw.Draw(canvas)
        for line in lines:
            draw.text((2, y), line, font=font, fill=INK)
            y += line_height
    return canvas
