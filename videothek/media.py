"""Self-hosted video files: Range responses (206) from Django, or X-Accel-Redirect to nginx; type sniffing.

The files sit under MEDIA_ROOT/media/, which neither nginx nor `make run` serves publicly; this module is
the only way out, after videothek.permissions said yes. With VIDEOTHEK_PROTECTED_MEDIA=nginx Django only
answers with a header and nginx sends the bytes from an `internal` location (docs/deploy.md).
"""

from __future__ import annotations

import mimetypes
import os
import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024

CONTENT_TYPES = {".webm": "video/webm", ".mp4": "video/mp4", ".m4v": "video/mp4", ".ogv": "video/ogg"}
# What an upload may be called: the extensions WAGTAILMEDIA["VIDEO_EXTENSIONS"] allows (.m4v is only served).
VIDEO_EXTENSIONS = (".webm", ".mp4", ".ogv")


def sniff_video(head: bytes) -> str | None:
    """The container a file's first bytes announce (WebM/Matroska, MP4, Ogg), or None."""
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/mp4"
    if head.startswith(b"OggS"):
        return "video/ogg"
    return None


def content_type_for(name: str) -> str:
    extension = os.path.splitext(name)[1].lower()
    return CONTENT_TYPES.get(extension) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def parse_range(header: str, size: int) -> tuple[int, int] | None | bool:
    """(first, last) byte of a single `bytes=` range; None without a usable header; False if unsatisfiable."""
    match = _RANGE.match(header.strip()) if header else None
    if not match:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # the last N bytes
        length = int(last_text)
        if length == 0:
            return False
        return max(size - length, 0), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or last < first:
        return False
    return first, min(last, size - 1)


class _RangeFile:
    """Iterates over bytes first..last of an open file, then closes it."""

    def __init__(self, handle, first: int, last: int) -> None:
        self.handle = handle
        self.remaining = last - first + 1
        handle.seek(first)

    def __iter__(self):
        try:
            while self.remaining > 0:
                chunk = self.handle.read(min(CHUNK, self.remaining))
                if not chunk:
                    break
                self.remaining -= len(chunk)
                yield chunk
        finally:
            self.handle.close()


def file_response(file_field, *, range_header: str, download: bool, filename: str) -> HttpResponse:
    """The file of a wagtailmedia Media as a 200, 206 or 416 response (or an X-Accel-Redirect for nginx)."""
    name = file_field.name
    content_type = content_type_for(name)
    if settings.VIDEOTHEK_PROTECTED_MEDIA == "nginx":
        response = HttpResponse(content_type=content_type)
        prefix = settings.VIDEOTHEK_ACCEL_PREFIX.rstrip("/")
        response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
        # nginx handles Range itself for the internal location.
    else:
        storage = file_field.storage
        size = storage.size(name)
        wanted = parse_range(range_header, size)
        if wanted is False:
            response = HttpResponse(status=416, content_type=content_type)
            response["Content-Range"] = f"bytes */{size}"
            response["Accept-Ranges"] = "bytes"
            return response
        handle = storage.open(name, "rb")
        if wanted is None:
            response = FileResponse(handle, content_type=content_type)
            response["Content-Length"] = str(size)
        else:
            first, last = wanted
            response = StreamingHttpResponse(_RangeFile(handle, first, last), status=206, content_type=content_type)
            response["Content-Range"] = f"bytes {first}-{last}/{size}"
            response["Content-Length"] = str(last - first + 1)
        response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    if download:
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        # FileResponse adds „inline; filename=<stored name>“ by itself: only a download names a file.
        response.headers.pop("Content-Disposition", None)
    return response


def video_file_errors(file, *, name: str, size: int | None) -> list[str]:
    """Why a file is not accepted as a video ([] when it is): extension, content, size."""
    errors = []
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in VIDEO_EXTENSIONS:
        errors.append(
            _("„%(name)s“ is not a video file: use WebM, MP4 or Ogg (%(extensions)s).")
            % {"name": name, "extensions": ", ".join(VIDEO_EXTENSIONS)}
        )
        return errors
    try:
        position = file.tell()
        file.seek(0)
        head = file.read(16)
        file.seek(position)
    except (OSError, ValueError):
        head = b""
    if sniff_video(head) is None:
        errors.append(_("„%(name)s“ does not contain a WebM, MP4 or Ogg video.") % {"name": name})
    limit = settings.VIDEOTHEK_MAX_UPLOAD_MB
    if size is not None and size > limit * 1024 * 1024:
        errors.append(_("The video is larger than %(limit)d MB.") % {"limit": limit})
    return errors
