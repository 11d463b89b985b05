"""Shared bits of the composer tests: tiny valid files and relaxed new-member limits."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def png_bytes(size: tuple[int, int] = (40, 30), colour: str = "green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def png_file(name: str = "bild.png", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(size), content_type="image/png")


def jpeg_with_exif(size: tuple[int, int] = (60, 20), orientation: int = 6) -> bytes:
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: rotate 90° clockwise when shown
    exif[0x010F] = "Kamera GmbH"  # Make
    exif[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def relax_limits(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    for name, value in {
        "FORUMS_POST_INTERVAL": 0,
        "FORUMS_NEW_MEMBER_POST_INTERVAL": 0,
        "FORUMS_NEW_MEMBER_MAX_LINKS": 100,
        "FORUMS_NEW_MEMBER_ATTACHMENT_POSTS": 0,
        "FORUMS_NEW_MEMBER_DAYS": 0,
        "FORUMS_NEW_MEMBER_POSTS": 0,
    }.items():
        setattr(settings, name, value)
