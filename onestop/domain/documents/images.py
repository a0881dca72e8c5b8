"""Images for visible signatures: the signer's signature in blue, the organisation's red seal.

Real deployments load scanned specimens (instance/pki/images/<label>.png); the generated ones keep
embedded mode self-contained and follow the same rules: transparent background, blue ink, red seal.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parents[2] / "web" / "static" / "fonts"
BLUE = (20, 50, 170, 255)
RED = (215, 25, 32, 235)


def load_specimen(folder: Path, label: str) -> Image.Image | None:
    """A scanned signature or seal for a key label, when one was provided."""
    path = folder / f"{label}.png"
    if not path.exists():
        return None
    return Image.open(path).convert("RGBA")


@functools.lru_cache(maxsize=256)
def signature_image(name: str) -> Image.Image:
    """The signer's name written in blue italic on a transparent background."""
    font = ImageFont.truetype(str(FONTS / "LiberationSerif-Italic.ttf"), 54)
    last = name.split()[-1] if name.split() else name
    width = int(font.getlength(last)) + 60
    image = Image.new("RGBA", (max(width, 240), 110), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.text((20, 10), last, font=font, fill=BLUE)
    draw.line([(14, 82), (width * 0.55, 72), (width - 10, 88)], fill=BLUE, width=3)
    return image


@functools.lru_cache(maxsize=64)
def seal_image(organisation: str, place: str = "") -> Image.Image:
    """A round red seal with the organisation's name around the rim and a star in the middle."""
    size = 400
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    draw.ellipse((6, 6, size - 6, size - 6), outline=RED, width=10)
    draw.ellipse((70, 70, size - 70, size - 70), outline=RED, width=5)
    _star(draw, centre, centre, 58, RED)
    text = organisation.upper()
    if place:
        text = f"{text} ★ {place.upper()}"
    _rim_text(image, text, centre, radius=size / 2 - 40)
    return image


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill) -> None:
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.4
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


def _rim_text(image: Image.Image, text: str, centre: float, radius: float) -> None:
    """Write `text` clockwise around the rim, one rotated letter at a time."""
    font_size = max(18, min(34, int(2 * math.pi * radius / max(len(text), 1) * 1.1)))
    font = ImageFont.truetype(str(FONTS / "LiberationSerif-Bold.ttf"), font_size)
    total = sum(font.getlength(ch) for ch in text) * 1.05
    sweep = min(total / radius, 2 * math.pi * 0.92)
    angle = -math.pi / 2 - sweep / 2
    scale = sweep / total if total else 0
    for ch in text:
        advance = font.getlength(ch) * 1.05 * scale
        mid = angle + advance / 2
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size / 2, font_size / 4), ch, font=font, fill=RED)
        rotated = glyph.rotate(-math.degrees(mid + math.pi / 2), resample=Image.BICUBIC)
        x = centre + radius * math.cos(mid) - rotated.width / 2
        y = centre + radius * math.sin(mid) - rotated.height / 2
        image.alpha_composite(rotated, (int(x), int(y)))
        angle += advance
