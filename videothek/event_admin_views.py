"""Admin view of an event's page action „Aufzeichnung veröffentlicht“: choose the published recording."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import event_services
from .models import EventPage, VideoPage


class RecordingForm(forms.Form):
    video = forms.ModelChoiceField(
        label=gettext_lazy("Recording"),
        queryset=VideoPage.objects.none(),
        empty_label=gettext_lazy("Choose a published video"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["video"].queryset = VideoPage.objects.live().order_by("-first_published_at", "title")


def recording_published(request, page_id: int):
    event = get_object_or_404(EventPage, pk=page_id)
    if not event.permissions_for_user(request.user).can_publish():
        raise PermissionDenied
    form = RecordingForm(request.POST or None, initial={"video": event.recording_id})
    if request.method == "POST" and form.is_valid():
        try:
            told = event_services.recording_publish(event=event, video=form.cleaned_data["video"], by=request.user)
        except event_services.RecordingError as error:
            form.add_error("video", str(error))
        else:
            messages.success(
                request,
                _("The recording is linked. %(count)s registered members were told.") % {"count": told}
                if told
                else _("The recording is linked; the registered members had already been told."),
            )
            return redirect(reverse("wagtailadmin_pages:edit", args=[event.pk]))
    return TemplateResponse(request, "videothek/event_admin_recording.html", {"page": event, "form": form})
