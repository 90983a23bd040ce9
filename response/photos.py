"""Report photos, made safe to keep and to show.

A photo is decoded (its name and declared type are never trusted), checked for size,
turned the right way up, and re-encoded from its bare pixels as a JPEG, so none of its
metadata survives: no EXIF (GPS position, camera, time), no XMP, no ICC profile, no
comment, no thumbnail. Pillow does the decoding.
"""

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024  # what a phone's camera makes, with room to spare
MAX_PIXELS = 40_000_000  # decoded size: refuses "decompression bombs"
MAX_SIDE = 2048  # stored at most this wide or tall
FORMATS = {"JPEG", "PNG", "WEBP"}
QUALITY = 85


class PhotoError(ValueError):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _unreadable():
    return PhotoError(_("That file is not a photo that can be read: send a JPEG, PNG or WebP."))


def read_upload(upload):
    """The bytes of an uploaded file, refusing one that is too large before reading it."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoError(_("The photo is too large: at most 10 MB."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(_("The photo is too large: at most 10 MB."))
    return data


def clean(data):
    """Return (jpeg_bytes, width, height) of a photo without any metadata."""
    if not data:
        raise _unreadable()
    if len(data) > MAX_BYTES:
        raise PhotoError(_("The photo is too large: at most 10 MB."))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise _unreadable()
                width, height = probe.size
                if width < 1 or height < 1 or width * height > MAX_PIXELS:
                    raise PhotoError(_("The photo has too many pixels: at most 40 megapixels."))
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)  # the orientation, applied
                pixels = _flatten(upright)
        except PhotoError:
            raise
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            SyntaxError,
            ValueError,
            EOFError,
            IndexError,
            TypeError,
        ) as exc:
            raise _unreadable() from exc
    pixels.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    # A new image from the bare pixels: nothing of the original's `info` comes along.
    bare = Image.frombytes("RGB", pixels.size, pixels.tobytes())
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=QUALITY, optimize=True)
    return out.getvalue(), bare.width, bare.height


def _flatten(image):
    """RGB pixels; transparency laid over white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")
