"""The admin form of video pages: one source (a file or a known provider), chapters within the video, WebVTT captions.

Every error is a German message at its field and the editor's input stays (never a 500): a caption file
that is not WebVTT names its line, a file that is no video (by extension and by its first bytes) or is too
large is refused where it is chosen (and at upload, by videothek.media_upload).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm

from community.embeds import embed_for

from . import webvtt
from .media import video_file_errors


class VideoPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        media = cleaned.get("media")
        external_url = (cleaned.get("external_url") or "").strip()
        if media and external_url:
            self.add_error("external_url", _("Choose either a video file or an external address, not both."))
        elif not media and not external_url and "external_url" not in self.errors:
            self.add_error(
                "media", _("Choose a video file or enter the address of a PeerTube, Vimeo or YouTube video.")
            )
        if external_url and embed_for(external_url) is None:
            self.add_error(
                "external_url", _("Unknown video provider: only PeerTube, Vimeo and YouTube addresses can be embedded.")
            )
        if media and media.file:
            try:
                size = media.file.size
                with media.file.open("rb") as handle:
                    errors = video_file_errors(handle, name=media.file.name.rsplit("/", 1)[-1], size=size)
            except (OSError, ValueError):
                errors = [_("The video file cannot be read.")]
            for error in errors:
                self.add_error("media", error)
        self._check_chapters(cleaned.get("duration"))
        self._check_captions()
        return cleaned

    def _live_forms(self, name: str):
        formset = self.formsets.get(name)
        if formset is None:
            return []
        return [
            form
            for form in formset.forms
            if form.is_valid() and form.has_changed() | bool(form.instance.pk) and not form.cleaned_data.get("DELETE")
        ]

    def _check_chapters(self, duration: int | None) -> None:
        if not duration:
            return
        for form in self._live_forms("chapters"):
            start = form.cleaned_data.get("start")
            if start is not None and start >= duration:
                form.add_error(
                    "start",
                    _("The chapter starts after the end of the video (%(duration)d s).") % {"duration": duration},
                )

    def _check_captions(self) -> None:
        for form in self._live_forms("captions"):
            document = form.cleaned_data.get("file")
            if document is None:
                continue
            if not document.file.name.lower().endswith(".vtt"):
                form.add_error("file", _("Captions must be a WebVTT file (.vtt)."))
                continue
            try:
                with document.file.open("rb") as handle:
                    webvtt.read(handle.read())
            except webvtt.WebVTTError as error:
                form.add_error("file", str(error))
            except (OSError, ValueError):
                form.add_error("file", _("The caption file cannot be read."))
