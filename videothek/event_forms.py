"""The Wagtail edit form of an event: a simple weekly repeat (weekdays and last day) and German errors at the field.

Editors pick weekdays and a last day; the form writes the RRULE (the time comes from the start). The raw rule
stays editable for anything else, and every rule is checked: garbage, no end, or too many dates are errors
at the field, never a 500. So are an end before the start and a changed date that is no date of the series.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.widgets import AdminDateInput

from . import recurrence

WEEKDAY_CHOICES = [
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
]


def _simple_weekly(rule: str) -> tuple[list[str], datetime | None] | None:
    """Weekdays and last day of a rule the simple fields can show, else None."""
    try:
        parts = dict(chunk.split("=", 1) for chunk in recurrence.normalise(rule).split(";") if chunk)
    except ValueError:
        return None
    if set(parts) != {"FREQ", "BYDAY", "UNTIL"} or parts["FREQ"] != "WEEKLY":
        return None
    days = parts["BYDAY"].split(",")
    if not all(day in recurrence.WEEKDAYS for day in days):
        return None
    try:
        until = datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return days, until.astimezone(recurrence.BERLIN)


class EventPageForm(WagtailAdminPageForm):
    repeat_weekdays = forms.MultipleChoiceField(
        label=_("Repeat every week on"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    repeat_until = forms.DateField(
        label=_("Repeat until"),
        required=False,
        widget=AdminDateInput,
        help_text=_("The last day of the series. Leave empty for a single date (or write the rule below)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "rrule" in self.fields:
            self.fields["rrule"].help_text = _(
                "Written from the fields above; or an iCalendar rule, e.g. FREQ=MONTHLY;BYDAY=1TH;COUNT=6."
            )
        simple = _simple_weekly(getattr(self.instance, "rrule", "") or "")
        if simple and not self.is_bound:
            self.initial["repeat_weekdays"], until = simple
            self.initial["repeat_until"] = until.date() if until else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        until = cleaned.get("repeat_until")
        days = cleaned.get("repeat_weekdays") or []
        rule = recurrence.normalise(cleaned.get("rrule") or "")
        if until and start:
            if until < start.astimezone(recurrence.BERLIN).date():
                self.add_error("repeat_until", _("The last day of the series must not be before the start."))
                return cleaned
            days = days or [recurrence.WEEKDAYS[start.astimezone(recurrence.BERLIN).weekday()]]
            rule = recurrence.weekly_rule(
                weekdays=days, until=datetime.combine(until, datetime.min.time(), tzinfo=recurrence.BERLIN)
            )
        elif days and not rule:
            self.add_error("repeat_until", _("Please give the last day of the series."))
            return cleaned
        cleaned["rrule"] = rule
        if rule and start:
            try:
                recurrence.parse(rule, dtstart=start)
            except ValidationError as error:
                self.add_error("rrule" if not until else "repeat_until", error)
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        if not valid or "exceptions" not in self.formsets:
            return valid
        start, rule = self.cleaned_data.get("start"), self.cleaned_data.get("rrule") or ""
        for form in self.formsets["exceptions"].forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            original = data.get("original_start")
            new_start, new_end = data.get("new_start"), data.get("new_end")
            if original and start and recurrence.unknown_exceptions(start=start, rrule=rule, originals=[original]):
                form.add_error("original_start", _("This is not a date of the series."))
                valid = False
            if new_end and not new_start:
                form.add_error("new_start", _("Please give the new start as well."))
                valid = False
            if new_start and new_end and new_end <= new_start:
                form.add_error("new_end", _("The end must be after the start."))
                valid = False
        return valid
