"""Event series: checking an RRULE and expanding it in Europe/Berlin local time, with moved and cancelled dates.

A series is expanded on the wall clock of Berlin (RFC 5545 §3.3.5, DTSTART with TZID): the Sprechstunde
at 17:00 stays at 17:00 across the change to and from summer time. A local time that does not exist (02:30
on the last Sunday of March) is read with the offset before the gap and so becomes 03:30 summer time; one
that exists twice (02:30 on the last Sunday of October) is the first of the two. Python's zoneinfo does
exactly this for fold=0, so dateutil's rrule works on aware Berlin datetimes and the results are converted
to UTC for storage.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as dateutil_rrule
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BERLIN = ZoneInfo("Europe/Berlin")
# Occurrence rows are kept this far ahead; the timer (send_due_reminders) extends them day by day.
HORIZON = timedelta(days=365)
# A series longer than this is an editing mistake (or a rule a feed reader would choke on).
MAX_DATES = 1000
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass(frozen=True)
class Date:
    """One date of an event: its key in the series (original_start) and when it really takes place."""

    original_start: datetime
    start: datetime
    end: datetime
    cancelled: bool = False

    @property
    def moved(self) -> bool:
        return self.start != self.original_start


def normalise(value: str) -> str:
    """The rule as stored: upper case, no `RRULE:` prefix, no blanks."""
    value = "".join(value.split()).upper()
    if value.startswith("RRULE:"):
        value = value[len("RRULE:") :]
    return value


def _parts(value: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for chunk in value.split(";"):
        if "=" not in chunk:
            raise ValidationError(_("„%(part)s“ is not a part of a repeat rule."), params={"part": chunk}, code="rrule")
        key, _sep, part = chunk.partition("=")
        parts[key] = part
    return parts


def parse(value: str, *, dtstart: datetime) -> dateutil_rrule.rrule:
    """The rule for a series starting at `dtstart`; ValidationError (German at the field) when it is unusable.

    Refused: anything dateutil cannot read, frequencies below a day, rules without an end (UNTIL or COUNT),
    and rules with more than MAX_DATES dates.
    """
    value = normalise(value)
    garbage = ValidationError(
        _("This is not a valid repeat rule. Example: FREQ=WEEKLY;BYDAY=TU;UNTIL=20260630T215959Z"), code="rrule"
    )
    if not value:
        raise garbage
    parts = _parts(value)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise ValidationError(_("An event repeats daily, weekly, monthly or yearly (FREQ)."), code="rrule")
    if "UNTIL" not in parts and "COUNT" not in parts:
        raise ValidationError(
            _("A repeating event needs an end: the last date (UNTIL) or the number of dates (COUNT)."),
            code="rrule_unbounded",
        )
    if "UNTIL" in parts and not parts["UNTIL"].endswith("Z") and "T" in parts["UNTIL"]:
        raise garbage  # RFC 5545: with a DTSTART in a time zone, UNTIL is in UTC
    local_start = dtstart.astimezone(BERLIN)
    try:
        rule = dateutil_rrule.rrulestr(value, dtstart=local_start, forceset=False)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise garbage from error
    if not isinstance(rule, dateutil_rrule.rrule):
        raise garbage
    count = 0
    for _date in rule:
        count += 1
        if count > MAX_DATES:
            raise ValidationError(
                _("A series may have at most %(max)s dates."), params={"max": MAX_DATES}, code="rrule_too_long"
            )
    if count == 0:
        raise ValidationError(_("This repeat rule gives no date at all."), code="rrule_empty")
    return rule


def weekly_rule(*, weekdays: Iterable[str], until: datetime) -> str:
    """The rule the admin's simple form builds: every chosen weekday up to the end of the day `until` (Berlin)."""
    days = [day for day in WEEKDAYS if day in set(weekdays)]
    end_of_day = datetime.combine(until.date(), datetime.max.time().replace(microsecond=0), tzinfo=BERLIN)
    return f"FREQ=WEEKLY;BYDAY={','.join(days)};UNTIL={end_of_day.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def wall_duration(start: datetime, end: datetime) -> timedelta:
    """Duration on the Berlin wall clock: 17:00–18:00 stays an hour long on the day the clocks change."""
    return end.astimezone(BERLIN).replace(tzinfo=None) - start.astimezone(BERLIN).replace(tzinfo=None)


def local_plus(start_local: datetime, duration: timedelta) -> datetime:
    return (start_local.replace(tzinfo=None) + duration).replace(tzinfo=BERLIN)


def series_starts(*, start: datetime, rrule: str, until: datetime | None = None) -> list[datetime]:
    """The original starts (UTC) of the series, the first date included, up to `until` (inclusive)."""
    if not rrule:
        return [start.astimezone(UTC)] if until is None or start <= until else []
    rule = parse(rrule, dtstart=start)
    starts = []
    for local in rule:
        if until is not None and local > until:
            break
        starts.append(local.astimezone(UTC))
    return starts


def dates_of(
    *,
    start: datetime,
    end: datetime,
    rrule: str,
    exceptions: Iterable[tuple[datetime, bool, datetime | None, datetime | None]] = (),
    until: datetime | None = None,
) -> list[Date]:
    """Every date of an event up to `until`, with the editors' changes applied, in order of the original start.

    `exceptions` are (original_start, cancelled, new_start, new_end); one whose original start is not a date
    of the series is ignored (the admin form refuses it, see unknown_exceptions).
    """
    duration = wall_duration(start, end)
    changes = {
        original.astimezone(UTC): (cancelled, new_start, new_end)
        for original, cancelled, new_start, new_end in exceptions
    }
    dates = []
    for original in series_starts(start=start, rrule=rrule, until=until):
        local = original.astimezone(BERLIN)
        date_end = local_plus(local, duration).astimezone(UTC)
        cancelled, new_start, new_end = changes.get(original, (False, None, None))
        if new_start is not None:
            moved_end = new_end or local_plus(new_start.astimezone(BERLIN), duration)
            dates.append(Date(original, new_start.astimezone(UTC), moved_end.astimezone(UTC), cancelled))
        else:
            dates.append(Date(original, original, date_end, cancelled))
    return dates


def unknown_exceptions(*, start: datetime, rrule: str, originals: Iterable[datetime]) -> list[datetime]:
    """Originals of changed dates that are no date of the series (an editor's typo)."""
    known = set(series_starts(start=start, rrule=rrule))
    return [original for original in originals if original.astimezone(UTC) not in known]
