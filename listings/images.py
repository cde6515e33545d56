"""Image checks and watermarked previews (Pillow only; no Django models, no storage).

Uploads are inspected before anything is stored: size in bytes, then format and dimensions from
the header (a decompression bomb is refused before its pixels are decoded), then a full decode so
a truncated or corrupt file is refused up front rather than failing later in the preview task.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PREVIEW_QUALITY = 82
WATERMARK_ANGLE_DEGREES = 30


@dataclass(frozen=True)
class ImageInfo:
    format: str
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


def image_inspect(data: bytes, *, max_bytes: int, max_pixels: int) -> ImageInfo:
    """Check an uploaded photo; raise ``ValidationError`` (code ``image_*``) saying what is wrong."""
    if not data:
        raise ValidationError(_("The file is empty."), code="image_empty")
    if len(data) > max_bytes:
        raise ValidationError(
            _("The photo is too large: %(size)s bytes, the limit is %(limit)s bytes.")
            % {"size": len(data), "limit": max_bytes},
            code="image_too_large",
        )
    try:
        with Image.open(io.BytesIO(data)) as img:
            info = ImageInfo(format=img.format or "", width=img.width, height=img.height)
            if info.format not in CONTENT_TYPES:
                raise ValidationError(_("Upload a JPEG, PNG or WebP photo."), code="image_format")
            if info.width * info.height > max_pixels:
                raise ValidationError(
                    _("The photo has too many pixels (%(w)s x %(h)s); the limit is %(limit)s pixels.")
                    % {"w": info.width, "h": info.height, "limit": max_pixels},
                    code="image_too_many_pixels",
                )
            img.verify()
        with Image.open(io.BytesIO(data)) as img:
            # verify() does not decode: a truncated file only fails here. A JPEG decodes at 1/8 scale
            # (the DCT draft), enough to find truncation at a fraction of the memory.
            if img.format == "JPEG":
                img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
            img.load()
    except Image.DecompressionBombError as exc:
        raise ValidationError(_("The photo has too many pixels."), code="image_too_many_pixels") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("This file is not a readable image (corrupt or truncated)."), code="image_corrupt"
        ) from exc
    return info


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow without FreeType: the small bitmap font still marks it
        return ImageFont.load_default()


def _watermark_layer(size: tuple[int, int], text: str) -> Image.Image:
    """The text tiled diagonally over the whole picture, so no crop removes it."""
    width, height = size
    side = int((width**2 + height**2) ** 0.5) + 2  # the rotated layer must still cover every corner
    font = _font(max(12, min(width, height) // 14))
    layer = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    step_x, step_y = (right - left) + max(24, width // 10), (bottom - top) * 3
    for row, y in enumerate(range(0, side, step_y)):
        offset = (row % 2) * step_x // 2
        for x in range(-step_x, side, step_x):
            draw.text(
                (x + offset, y),
                text,
                font=font,
                fill=(255, 255, 255, 140),
                stroke_width=1,
                stroke_fill=(0, 0, 0, 140),
            )
    layer = layer.rotate(WATERMARK_ANGLE_DEGREES, resample=Image.Resampling.BICUBIC)
    dx, dy = (side - width) // 2, (side - height) // 2
    return layer.crop((dx, dy, dx + width, dy + height))


def preview_render(data: bytes, *, max_px: int, watermark: str) -> bytes:
    """A downscaled JPEG with the watermark burnt in and no metadata (no EXIF, GPS, ICC, comments)."""
    with Image.open(io.BytesIO(data)) as img:
        img = ImageOps.exif_transpose(img)  # apply the orientation before the EXIF goes
        img = img.convert("RGB")
    img.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
    marked = Image.alpha_composite(img.convert("RGBA"), _watermark_layer(img.size, watermark))
    clean = Image.new("RGB", marked.size)  # a fresh image carries no info dict from the upload
    clean.paste(marked.convert("RGB"))
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=PREVIEW_QUALITY, optimize=True)
    return out.getvalue()
