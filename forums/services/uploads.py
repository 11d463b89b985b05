"""Uploads for posts: images are verified and re-encoded with Pillow, documents are checked by their bytes.

Nothing a member uploads is stored as sent: an image is decoded and written anew (metadata
gone, EXIF orientation applied, longest side capped), so a file that only claims to be an
image (an HTML page named .png) is refused. Documents are PDF or Office files recognised by
their magic bytes and ZIP structure, and are always served as downloads.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from community import permissions as community_permissions
from community.markup import strip_bidi_controls
from community.models import User

from ..models import Upload
from .composing import upload_url

DEFAULT_IMAGE_MAX_BYTES = 8 * 1024 * 1024
DEFAULT_DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_IMAGE_MAX_SIDE = 2000
# Refuse decompression bombs long before Pillow's own limit (about 179 million pixels).
MAX_IMAGE_PIXELS = 50_000_000

IMAGE_FORMATS = {  # Pillow format -> (extension, content type)
    "JPEG": (".jpg", "image/jpeg"),
    "PNG": (".png", "image/png"),
    "GIF": (".gif", "image/gif"),
    "WEBP": (".webp", "image/webp"),
}
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
# Office Open XML: the folder every such file has; OpenDocument: the "mimetype" entry.
OOXML = {
    ".docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
ODF = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
DOCUMENT_EXTENSIONS = frozenset({".pdf", *OOXML, *ODF})


def image_max_bytes() -> int:
    return int(getattr(settings, "FORUMS_UPLOAD_IMAGE_MAX_BYTES", DEFAULT_IMAGE_MAX_BYTES))


def document_max_bytes() -> int:
    return int(getattr(settings, "FORUMS_UPLOAD_DOCUMENT_MAX_BYTES", DEFAULT_DOCUMENT_MAX_BYTES))


def image_max_side() -> int:
    return int(getattr(settings, "FORUMS_UPLOAD_IMAGE_MAX_SIDE", DEFAULT_IMAGE_MAX_SIDE))


@dataclass(frozen=True)
class _Checked:
    data: bytes
    extension: str
    content_type: str
    kind: str
    width: int | None = None
    height: int | None = None


def _refuse(message: str, code: str, **params: object) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code, params=params or None)})


def clean_file_name(name: str) -> tuple[str, str]:
    """(stem, extension) of an uploaded file's name: no folders, no control or bidi characters."""
    name = strip_bidi_controls(unicodedata.normalize("NFC", name)).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    stem = re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip(".-_")[:80] or "datei"
    return stem, f".{extension.lower()}" if extension else ""


def _read(file: UploadedFile, limit: int) -> bytes:
    if file.size is not None and file.size > limit:
        raise _refuse(_("The file is too large (at most %(limit)s)."), "too_large", limit=filesizeformat(limit))
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _refuse(_("The file is too large (at most %(limit)s)."), "too_large", limit=filesizeformat(limit))
    return data


def _check_image(data: bytes) -> _Checked:
    not_an_image = _refuse(
        _("This file is not a valid image. Images must be JPEG, PNG, GIF or WebP files."), "not_an_image"
    )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in IMAGE_FORMATS:
                raise not_an_image
            if probe.width * probe.height > MAX_IMAGE_PIXELS:
                raise _refuse(_("The image has too many pixels."), "too_many_pixels")
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
        return _reencode(image)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise not_an_image from error


def _fit(frame: Image.Image, side: int) -> Image.Image:
    frame = frame.copy()
    frame.thumbnail((side, side), Image.Resampling.LANCZOS)
    return frame


def _reencode(image: Image.Image) -> _Checked:
    """Write the image anew: orientation applied, metadata dropped, longest side capped."""
    fmt = image.format or "PNG"
    side = image_max_side()
    out = io.BytesIO()
    if fmt == "GIF" and getattr(image, "n_frames", 1) > 1:
        frames = [_fit(frame.convert("RGBA"), side) for frame in ImageSequence.Iterator(image)]
        frames[0].save(
            out,
            "GIF",
            save_all=True,
            append_images=frames[1:],
            loop=image.info.get("loop", 0),
            duration=image.info.get("duration", 100),
            disposal=2,
        )
        result = frames[0]
    else:
        result = _fit(ImageOps.exif_transpose(image), side)
        if fmt == "JPEG":
            result = result.convert("RGB")
            result.save(out, "JPEG", quality=85, optimize=True)
        elif fmt == "WEBP":
            result.save(out, "WEBP", quality=85)
        elif fmt == "GIF":
            result.save(out, "GIF")
        else:
            if result.mode not in {"1", "L", "LA", "P", "RGB", "RGBA"}:
                result = result.convert("RGBA")
            result.save(out, "PNG", optimize=True)
    extension, content_type = IMAGE_FORMATS[fmt]
    return _Checked(
        data=out.getvalue(),
        extension=extension,
        content_type=content_type,
        kind=Upload.Kind.IMAGE,
        width=result.width,
        height=result.height,
    )


def _check_document(data: bytes, extension: str) -> _Checked:
    wrong = _refuse(
        _("The file's content does not match its type (%(extension)s)."), "content_mismatch", extension=extension
    )
    if extension == ".pdf":
        if not data.startswith(b"%PDF-"):
            raise wrong
        return _Checked(data=data, extension=extension, content_type="application/pdf", kind=Upload.Kind.DOCUMENT)
    if not data.startswith(b"PK\x03\x04"):
        raise wrong
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if extension in OOXML:
                folder, content_type = OOXML[extension]
                if "[Content_Types].xml" not in names or not any(name.startswith(folder) for name in names):
                    raise wrong
            else:
                content_type = ODF[extension]
                if (
                    "mimetype" not in names
                    or archive.read("mimetype").strip().decode("ascii", "ignore") != content_type
                ):
                    raise wrong
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise wrong from error
    return _Checked(data=data, extension=extension, content_type=content_type, kind=Upload.Kind.DOCUMENT)


@transaction.atomic
def upload_create(*, uploader: User, file: UploadedFile) -> Upload:
    """Check and store an uploaded file; it becomes readable by others once a post references it."""
    if not community_permissions.can_post(uploader):
        raise PermissionDenied(_("You may not upload files."))
    stem, extension = clean_file_name(file.name or "")
    if extension in IMAGE_EXTENSIONS:
        checked = _check_image(_read(file, image_max_bytes()))
    elif extension in DOCUMENT_EXTENSIONS:
        checked = _check_document(_read(file, document_max_bytes()), extension)
    else:
        raise _refuse(
            _("This file type is not allowed. Allowed are images (JPEG, PNG, GIF, WebP), PDF and Office documents."),
            "type_not_allowed",
        )
    upload = Upload(
        key=secrets.token_hex(16),
        uploader=uploader,
        original_name=f"{stem}{checked.extension}",
        extension=checked.extension,
        kind=checked.kind,
        content_type=checked.content_type,
        size=len(checked.data),
        width=checked.width,
        height=checked.height,
        sha256=hashlib.sha256(checked.data).hexdigest(),
        created_at=timezone.now(),
    )
    upload.file.save(f"{upload.key}{checked.extension}", ContentFile(checked.data), save=False)
    upload.save()
    return upload


def upload_markdown(upload: Upload) -> str:
    """What the composer inserts for an upload: an embedded image or a link to the document."""
    label = upload.original_name.replace("[", "(").replace("]", ")")
    prefix = "!" if upload.kind == Upload.Kind.IMAGE else ""
    return f"{prefix}[{label}]({upload_url(upload)})"
