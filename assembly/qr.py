"""QR codes as inline SVG (the CSP allows no data: images)."""

import io

import qrcode
import qrcode.image.svg
from django.utils.safestring import mark_safe


def qr_svg(url):
    """The address as an inline SVG, to show on a projector or a phone."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    # Generated here by qrcode from our own URL: no user text reaches it.
    return mark_safe(svg)  # noqa: S308
