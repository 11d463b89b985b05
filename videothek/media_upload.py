"""wagtailmedia's upload form here (WAGTAILMEDIA["MEDIA_FORM_BASE"]): only real videos within the size limit."""

from __future__ import annotations

from django import forms
from wagtailmedia.forms import BaseMediaForm

from .media import video_file_errors


class MediaUploadForm(BaseMediaForm):
    def clean_file(self):
        upload = self.cleaned_data.get("file")
        # A new upload (an UploadedFile); an unchanged file on edit is a FieldFile and was checked before.
        if upload is not None and hasattr(upload, "content_type"):
            errors = video_file_errors(upload, name=upload.name, size=upload.size)
            if errors:
                raise forms.ValidationError(errors)
        return upload

    def _post_clean(self):
        # A refused upload never reaches the instance, so Media.clean would add „Dateiendung „“ ist nicht
        # erlaubt“ for the empty file as a form-wide error: the message at the field says it already.
        if self.has_error("file"):
            return
        super()._post_clean()
