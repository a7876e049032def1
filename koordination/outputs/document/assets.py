"""The letterhead's logo, read once and checked: PNG or JPEG, with its pixel size."""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from pathlib import Path

from koordination.errors import KoordinationError


@dataclass(frozen=True)
class Logo:
    data: bytes
    mime: str
    width: int
    height: int

    @property
    def extension(self) -> str:
        return "png" if self.mime == "image/png" else "jpg"

    @property
    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"

    def size_mm(self, height_mm: float) -> tuple[float, float]:
        """Width and height in millimetres when printed ``height_mm`` tall."""
        return (height_mm * self.width / max(self.height, 1), height_mm)


def load_logo(path: Path | None) -> Logo | None:
    """The logo at ``path`` (None without one); a German error when it is missing or no image."""
    if path is None:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KoordinationError(
            f"Das Logo {path} kann nicht gelesen werden ({exc.strerror or exc})."
        ) from exc
    size = _png_size(data) or _jpeg_size(data)
    if size is None:
        raise KoordinationError(f"Das Logo {path} muss eine PNG- oder JPEG-Datei sein.")
    mime = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
    return Logo(data=data, mime=mime, width=size[0], height=size[1])


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width and height else None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    if data[:3] != b"\xff\xd8\xff":
        return None
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        # Start-of-frame markers (baseline, progressive, ...) carry the size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return (width, height) if width and height else None
        pos += 2 + length
    return None
