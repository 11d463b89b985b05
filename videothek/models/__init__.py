"""The Videothek's models: videos (models/videos.py) and events (models/events.py)."""

from .events import (
    CalendarToken,
    EventException,
    EventIndexPage,
    EventOccurrence,
    EventPage,
    Registration,
    ReminderSent,
)
from .videos import (
    Speaker,
    VideoCaption,
    VideoChapter,
    VideoPage,
    VideoPageTag,
    VideoSeries,
    VideoSeriesItem,
    VideothekIndexPage,
    WatchProgress,
)

__all__ = [
    "CalendarToken",
    "EventException",
    "EventIndexPage",
    "EventOccurrence",
    "EventPage",
    "Registration",
    "ReminderSent",
    "Speaker",
    "VideoCaption",
    "VideoChapter",
    "VideoPage",
    "VideoPageTag",
    "VideoSeries",
    "VideoSeriesItem",
    "VideothekIndexPage",
    "WatchProgress",
]
