"""Certificate PDFs, rendered with WeasyPrint from the same template family as the verification page."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from .models import Certificate


def render_pdf(certificate: Certificate, *, request=None) -> bytes:
    """One A4 landscape page: name, course, date and the verification address. Takes well under a second."""
    from weasyprint import HTML  # imported late: loading Pango costs time every other page can skip

    verify_url = (
        request.build_absolute_uri(f"/zertifikat/{certificate.code}/")
        if request
        else f"/zertifikat/{certificate.code}/"
    )
    with translation.override("de"):
        html = render_to_string("courses/certificate_pdf.html", {"certificate": certificate, "verify_url": verify_url})
    # No base_url: the template holds every style inline and loads nothing, so no file or host is read.
    return HTML(string=html).write_pdf()
