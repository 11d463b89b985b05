"""Quiz scoring is a pure function: pass marks, single and multiple choice, tampered ids, attempts left."""

import pytest

from courses.scoring import Option, Question, UnknownOption, attempts_left, score

SINGLE = Question("q1", "Eins?", False, (Option("a", "A", True, "richtig"), Option("b", "B", False, "falsch")))
MULTI = Question("q2", "Zwei?", True, (Option("x", "X", True), Option("y", "Y", True), Option("z", "Z", False, "nein")))


def test_all_right_scores_100_and_passes():
    result = score((SINGLE, MULTI), {"q1": frozenset({"a"}), "q2": frozenset({"x", "y"})}, pass_mark=100)
    assert (result.score, result.passed, result.correct_count) == (100, True, 2)


def test_a_multiple_choice_question_needs_exactly_the_correct_set():
    result = score((SINGLE, MULTI), {"q1": frozenset({"a"}), "q2": frozenset({"x"})}, pass_mark=100)
    assert result.score == 50
    assert not result.passed
    assert [q.correct for q in result.questions] == [True, False]


def test_the_pass_mark_is_inclusive():
    answers = {"q1": frozenset({"a"}), "q2": frozenset({"z"})}
    assert score((SINGLE, MULTI), answers, pass_mark=50).passed
    assert not score((SINGLE, MULTI), answers, pass_mark=51).passed


def test_unanswered_questions_count_as_wrong():
    assert score((SINGLE, MULTI), {}, pass_mark=0).score == 0


def test_feedback_is_given_for_chosen_options_only():
    result = score((SINGLE, MULTI), {"q1": frozenset({"b"}), "q2": frozenset({"z"})}, pass_mark=100)
    assert result.questions[0].feedback == (("b", "falsch"),)
    assert result.questions[1].feedback == (("z", "nein"),)


@pytest.mark.parametrize("answers", [{"q1": frozenset({"nope"})}, {"q1": frozenset({"a", "b"})}])
def test_unknown_options_and_two_choices_on_single_choice_are_refused(answers):
    with pytest.raises(UnknownOption):
        score((SINGLE,), answers, pass_mark=100)


def test_attempts_left():
    assert attempts_left(3, 0) == 3
    assert attempts_left(3, 3) == 0
    assert attempts_left(3, 5) == 0
    assert attempts_left(0, 99) is None  # unlimited
