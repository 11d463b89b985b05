"""Fixtures of the course tests: a small course with one lesson of every interactive kind."""

from __future__ import annotations

import pytest

from .builders import build_course, checklist, lessons_of, question, quiz, reflection, text


@pytest.fixture
def task_course(home_page):
    """Linear course with certificate: lesson 1 has a checklist, a reflection and a quiz; 2 and 3 are plain text."""
    body = [
        text("<p>Willkommen.</p>"),
        checklist(
            "Vorbereitung", [("Raum reservieren", True, "item-room"), ("Kaffee", False, "item-coffee")], id="check"
        ),
        reflection("Was ist euch für die Konferenz wichtig?", id="refl"),
        quiz(
            "Kurzes Quiz",
            [
                question(
                    "Wie viele Menschen passen an einen Thementisch?",
                    [
                        ("Etwa 6 bis 10", True, "Genau, so kommt jede Stimme zu Wort.", "opt-right"),
                        ("Etwa 40", False, "Zu viele: dann redet nur, wer laut ist.", "opt-wrong"),
                    ],
                    id="qa",
                ),
                question(
                    "Was gehört in die Einladung?",
                    [
                        ("Ort und Zeit", True, "", "opt-place"),
                        ("Barrierefreiheit", True, "", "opt-access"),
                        ("Die Kontonummer", False, "Eher nicht.", "opt-bank"),
                    ],
                    multiple=True,
                    id="qb",
                ),
            ],
            pass_mark=100,
            max_attempts=3,
            id="quiz",
        ),
    ]
    return build_course(home_page, modules=[[body, [text()]], [[text()]]], linear=True, certificate=True)


@pytest.fixture
def task_lessons(task_course):
    return lessons_of(task_course)
