"""Quiz scoring as pure functions: the quiz's questions and a learner's choices in, a result out (no database)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    multiple: bool
    options: tuple[Option, ...]

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    correct: bool
    chosen: frozenset[str]
    # Feedback for each chosen option, in the question's order (shown after submission only).
    feedback: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class QuizResult:
    score: int  # percent of questions answered correctly, rounded down
    passed: bool
    questions: tuple[QuestionResult, ...]

    @property
    def correct_count(self) -> int:
        return sum(1 for question in self.questions if question.correct)


class UnknownOption(ValueError):
    """A submitted option id that the question does not have (tampered or stale form)."""


def questions_from_block(value) -> tuple[Question, ...]:
    """The questions of a QuizBlock value, keyed by the ListBlock item ids Wagtail keeps stable across edits."""
    questions = []
    for question_item in value["questions"].bound_blocks:
        question = question_item.value
        options = tuple(
            Option(
                id=str(option_item.id),
                text=option_item.value["text"],
                correct=bool(option_item.value["correct"]),
                feedback=option_item.value.get("feedback") or "",
            )
            for option_item in question["options"].bound_blocks
        )
        questions.append(
            Question(
                id=str(question_item.id),
                text=question["text"],
                multiple=question["kind"] == "multiple",
                options=options,
            )
        )
    return tuple(questions)


def score(questions: tuple[Question, ...], answers: Mapping[str, frozenset[str]], pass_mark: int) -> QuizResult:
    """Score one attempt. A question counts as correct when exactly its correct options were chosen.

    Unanswered questions count as wrong; an option id the question lacks raises UnknownOption, and so
    does more than one choice on a single-choice question.
    """
    results = []
    for question in questions:
        chosen = frozenset(answers.get(question.id, frozenset()))
        known = {option.id for option in question.options}
        if not chosen <= known:
            raise UnknownOption(question.id)
        if not question.multiple and len(chosen) > 1:
            raise UnknownOption(question.id)
        feedback = tuple(
            (option.id, option.feedback) for option in question.options if option.id in chosen and option.feedback
        )
        results.append(
            QuestionResult(
                question_id=question.id, correct=chosen == question.correct_ids, chosen=chosen, feedback=feedback
            )
        )
    total = len(questions)
    percent = (sum(1 for result in results if result.correct) * 100 // total) if total else 0
    return QuizResult(score=percent, passed=percent >= pass_mark, questions=tuple(results))


def attempts_left(max_attempts: int, used: int) -> int | None:
    """Attempts still allowed; None when the quiz allows unlimited attempts (max_attempts 0)."""
    if max_attempts <= 0:
        return None
    return max(0, max_attempts - used)
