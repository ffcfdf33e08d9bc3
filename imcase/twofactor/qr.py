"""The set-up QR code, drawn on the server: no external service ever sees the secret."""

from __future__ import annotations

from base64 import b64encode

import qrcode
from qrcode.image.svg import SvgPathImage


def qr_data_uri(text: str) -> str:
    """``text`` as an SVG QR code in a ``data:`` URI (the CSP allows data: images only)."""
    image = qrcode.make(text, image_factory=SvgPathImage, box_size=10, border=4)
    return "data:image/svg+xml;base64," + b64encode(image.to_string()).decode()
