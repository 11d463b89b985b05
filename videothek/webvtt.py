"""WebVTT caption files: a strict reader whose errors name the line, in the editor's language.

Browsers skip a broken cue silently, so an editor would only notice missing captions while watching;
the admin reads every uploaded file with this reader and shows the first error at the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# hh:mm:ss.ttt or mm:ss.ttt (WebVTT §4.1: hours optional, at least two digits; minutes and seconds two).
_TIMESTAMP = re.compile(r"^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$")
_TIMING = re.compile(r"^(\S+)\s+-->\s+(\S+)(?:\s+.*)?$")


class WebVTTError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(_("Line %(line)d: %(message)s") % {"line": line, "message": message})


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def parse_timestamp(value: str) -> float | None:
    match = _TIMESTAMP.match(value)
    if not match:
        return None
    hours, minutes, seconds, millis = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def parse(text: str) -> list[Cue]:
    """The cues of a WebVTT file; raises WebVTTError at the first line that is not valid WebVTT."""
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if not lines or not (lines[0] == "WEBVTT" or lines[0].startswith(("WEBVTT ", "WEBVTT\t"))):
        raise WebVTTError(1, _("The file must begin with „WEBVTT“."))
    cues: list[Cue] = []
    number = 1
    total = len(lines)
    # Skip the header block (up to the first blank line).
    while number < total and lines[number].strip():
        number += 1
    while number < total:
        if not lines[number].strip():
            number += 1
            continue
        block_start = number
        block: list[tuple[int, str]] = []
        while number < total and lines[number].strip():
            block.append((number + 1, lines[number]))
            number += 1
        first = block[0][1]
        if first.startswith(("NOTE", "STYLE", "REGION")):
            continue
        # An optional cue identifier comes before the timing line.
        if "-->" not in first:
            if len(block) < 2 or "-->" not in block[1][1]:
                raise WebVTTError(block_start + 1, _("A time range „00:00:01.000 --> 00:00:04.000“ is missing."))
            block = block[1:]
        line_no, timing = block[0]
        match = _TIMING.match(timing.strip())
        if not match:
            raise WebVTTError(line_no, _("A time range „00:00:01.000 --> 00:00:04.000“ is missing."))
        start_text, end_text = match.groups()
        start = parse_timestamp(start_text)
        if start is None:
            raise WebVTTError(line_no, _("Time „%(value)s“ is invalid.") % {"value": start_text})
        end = parse_timestamp(end_text)
        if end is None:
            raise WebVTTError(line_no, _("Time „%(value)s“ is invalid.") % {"value": end_text})
        if end <= start:
            raise WebVTTError(line_no, _("The cue ends before it starts."))
        if cues and start < cues[-1].start:
            raise WebVTTError(line_no, _("The cue starts before the previous one."))
        cue_text = "\n".join(text for _line, text in block[1:]).strip()
        if not cue_text:
            raise WebVTTError(line_no, _("The cue has no text."))
        cues.append(Cue(start=start, end=end, text=cue_text))
    return cues


def read(data: bytes) -> list[Cue]:
    """parse() for the bytes of an upload (UTF-8 is required by WebVTT)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise WebVTTError(line, _("The file is not UTF-8 encoded.")) from error
    return parse(text)
