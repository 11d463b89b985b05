"""WebVTT captions: valid files read into cues, broken ones refused with the line named in German."""

from __future__ import annotations

import pytest
from django.utils import translation

from videothek import webvtt


@pytest.fixture(autouse=True)
def _german():
    with translation.override("de"):
        yield


VALID = """WEBVTT
Kind: captions

NOTE Erstellt für die Videothek

1
00:00:00.500 --> 00:00:04.000 align:start
Willkommen!

00:04.000 --> 00:00:09.250
Zweite Zeile
mit Umbruch.
"""


def test_a_valid_file_gives_its_cues_with_seconds_and_text():
    cues = webvtt.parse(VALID)
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.5, 4.0, "Willkommen!"),
        (4.0, 9.25, "Zweite Zeile\nmit Umbruch."),
    ]


def test_a_broken_timestamp_names_its_line_and_value_in_german():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nEins\n\n2\n00:01:7.000 --> 00:01:09.000\nZwei\n"
    with pytest.raises(webvtt.WebVTTError) as error:
        webvtt.parse(text)
    assert error.value.line == 7
    assert str(error.value) == "Zeile 7: Zeitangabe „00:01:7.000“ ist ungültig."


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("WEBVT\n\n", 1, "Zeile 1: Die Datei muss mit „WEBVTT“ beginnen."),
        ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nRückwärts\n", 3, "Zeile 3: Der Untertitel endet, bevor er beginnt."),
        ("WEBVTT\n\nnur Text ohne Zeit\n", 3, "Zeile 3: Es fehlt ein Zeitbereich „00:00:01.000 --> 00:00:04.000“."),
        ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n", 3, "Zeile 3: Der Untertitel hat keinen Text."),
        (
            "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\nB\n\n00:00:01.000 --> 00:00:02.000\nA\n",
            6,
            "Zeile 6: Der Untertitel beginnt vor dem vorigen.",
        ),
    ],
)
def test_each_kind_of_error_is_reported_at_its_line(text, line, message):
    with pytest.raises(webvtt.WebVTTError) as error:
        webvtt.parse(text)
    assert (error.value.line, str(error.value)) == (line, message)


def test_bytes_that_are_not_utf8_name_the_line_of_the_bad_byte():
    data = b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + b"Gr\xfc\xdfe\n"
    with pytest.raises(webvtt.WebVTTError) as error:
        webvtt.read(data)
    assert str(error.value) == "Zeile 4: Die Datei ist nicht UTF-8-kodiert."


def test_a_byte_order_mark_and_windows_line_ends_are_accepted():
    cues = webvtt.read("\ufeffWEBVTT\r\n\r\n00:00:01.000 --> 00:00:02.000\r\nHallo\r\n".encode())
    assert [c.text for c in cues] == ["Hallo"]
