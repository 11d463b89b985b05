"""The event edit form: an end before the start, garbage or endless rules, unknown changed dates as German errors."""

from __future__ import annotations

import pytest

from videothek.models import EventPage

from .builders_events import event_index

pytestmark = pytest.mark.django_db


def _form(home_page, **data):
    index = event_index(home_page)
    form_class = EventPage.get_edit_handler().get_form_class()
    values = {
        "title": "Sprechstunde",
        "slug": "sprechstunde",
        "kind": "sprechstunde",
        "status": "scheduled",
        "start": "2025-10-07 17:00",
        "end": "2025-10-07 18:00",
        "online": "on",
        "exceptions-TOTAL_FORMS": "0",
        "exceptions-INITIAL_FORMS": "0",
        "exceptions-MIN_NUM_FORMS": "0",
        "exceptions-MAX_NUM_FORMS": "1000",
        **data,
    }
    return form_class(values, instance=EventPage(), parent_page=index, for_user=None)


def _errors(form) -> dict[str, list[str]]:
    form.is_valid()
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_an_end_before_the_start_is_an_error_at_the_end(home_page):
    errors = _errors(_form(home_page, end="2025-10-07 16:00"))
    assert errors["end"] == ["Das Ende muss nach dem Beginn liegen."]


def test_a_garbage_or_endless_rule_is_an_error_at_the_rule_and_the_input_is_kept(home_page):
    form = _form(home_page, rrule="jeden Dienstag")
    assert _errors(form)["rrule"] == ["„JEDENDIENSTAG“ ist kein Teil einer Wiederholungsregel."]
    assert form["rrule"].value() == "jeden Dienstag"
    endless = _errors(_form(home_page, rrule="FREQ=WEEKLY;BYDAY=TU"))
    assert endless["rrule"] == [
        "Eine Terminreihe braucht ein Ende: den letzten Termin (UNTIL) oder die Zahl der Termine (COUNT)."
    ]


def test_weekdays_and_a_last_day_write_the_rule(home_page):
    form = _form(home_page, repeat_weekdays=["TU"], repeat_until="2026-03-31")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["rrule"] == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260331T215959Z"


def test_a_changed_date_that_is_no_date_of_the_series_is_an_error_at_that_row(home_page):
    form = _form(
        home_page,
        rrule="FREQ=WEEKLY;COUNT=4",
        **{
            "exceptions-TOTAL_FORMS": "1",
            "exceptions-0-original_start": "2025-10-08 17:00",
            "exceptions-0-cancelled": "on",
            "exceptions-0-ORDER": "1",
        },
    )
    assert not form.is_valid()
    assert form.formsets["exceptions"].forms[0].errors["original_start"] == ["Das ist kein Termin dieser Reihe."]
