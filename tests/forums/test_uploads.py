"""Uploads: images re-encoded, documents checked by their bytes, limits, and who may fetch a file."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from PIL import Image

from forums import services
from forums.models import Post, Upload
from forums.services import composing
from tests.factories import MemberFactory, UserFactory

from .composer_helpers import docx_bytes, jpeg_with_exif, png_bytes, png_file, relax_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings, tmp_path):
    relax_limits(settings, tmp_path)


def client_for(user) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def error_code(caught: pytest.ExceptionInfo[ValidationError]) -> str:
    return caught.value.error_dict["file"][0].code


def stored_image(upload: Upload) -> Image.Image:
    with upload.file.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def test_an_image_is_re_encoded_without_metadata_and_upright(member):
    upload = services.upload_create(
        uploader=member, file=SimpleUploadedFile("urlaub.jpeg", jpeg_with_exif((60, 20)), content_type="image/jpeg")
    )
    image = stored_image(upload)
    assert upload.kind == Upload.Kind.IMAGE
    assert upload.content_type == "image/jpeg"
    assert upload.original_name == "urlaub.jpg"
    assert (image.width, image.height) == (20, 60)  # EXIF orientation applied
    assert not image.getexif()  # camera, GPS and orientation gone


def test_the_longest_side_of_an_image_is_capped(member, settings):
    settings.FORUMS_UPLOAD_IMAGE_MAX_SIDE = 200
    upload = services.upload_create(uploader=member, file=png_file(size=(800, 100)))
    assert (upload.width, upload.height) == (200, 25)
    assert stored_image(upload).size == (200, 25)


def test_an_html_file_named_png_is_refused(member):
    fake = SimpleUploadedFile("bild.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.upload_create(uploader=member, file=fake)
    assert error_code(caught) == "not_an_image"
    assert "not a valid image" in caught.value.error_dict["file"][0].message
    assert not Upload.objects.exists()


def test_an_svg_is_no_image(member):
    svg = SimpleUploadedFile("x.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    with pytest.raises(ValidationError) as caught:
        services.upload_create(uploader=member, file=svg)
    assert error_code(caught) == "not_an_image"


def test_a_png_named_jpg_is_stored_as_what_it_really_is(member):
    upload = services.upload_create(uploader=member, file=SimpleUploadedFile("foto.jpg", png_bytes()))
    assert upload.content_type == "image/png"
    assert upload.original_name == "foto.png"


def test_oversized_files_are_refused(member, settings):
    settings.FORUMS_UPLOAD_IMAGE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as caught:
        services.upload_create(uploader=member, file=png_file(size=(400, 400)))
    assert error_code(caught) == "too_large"
    settings.FORUMS_UPLOAD_DOCUMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as caught:
        services.upload_create(uploader=member, file=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + b"x" * 50))
    assert error_code(caught) == "too_large"


@pytest.mark.parametrize("name", ["tool.exe", "seite.html", "bild.svg", "ohne-endung", "script.js"])
def test_other_file_types_are_refused(member, name):
    with pytest.raises(ValidationError) as caught:
        services.upload_create(uploader=member, file=SimpleUploadedFile(name, b"%PDF-1.7 whatever"))
    assert error_code(caught) == "type_not_allowed"


def test_pdf_and_office_documents_are_accepted_when_their_bytes_match(member):
    pdf = services.upload_create(uploader=member, file=SimpleUploadedFile("Plan.pdf", b"%PDF-1.7\n%%EOF"))
    docx = services.upload_create(uploader=member, file=SimpleUploadedFile("Brief.docx", docx_bytes()))
    assert (pdf.kind, pdf.content_type) == (Upload.Kind.DOCUMENT, "application/pdf")
    assert docx.content_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "content"),
    [("fake.pdf", b"<html>not a pdf</html>"), ("fake.docx", b"PK\x03\x04broken"), ("fake.xlsx", docx_bytes())],
)
def test_documents_whose_bytes_do_not_match_are_refused(member, name, content):
    with pytest.raises(ValidationError) as caught:
        services.upload_create(uploader=member, file=SimpleUploadedFile(name, content))
    assert error_code(caught) == "content_mismatch"


def test_file_names_lose_folders_and_bidi_tricks(member):
    upload = services.upload_create(
        uploader=member, file=SimpleUploadedFile("../../etc/rechnung\u202egnp.pdf", b"%PDF-1.4")
    )
    assert "\u202e" not in upload.original_name
    assert "/" not in upload.original_name and upload.original_name.endswith(".pdf")


def test_unconfirmed_accounts_may_not_upload():
    with pytest.raises(Exception, match="keine Dateien hochladen"):
        services.upload_create(uploader=UserFactory(), file=png_file())


# -- the upload endpoint and the no-JavaScript attachment -----------------------------------------


def test_the_upload_endpoint_answers_the_markdown_to_insert(member):
    response = client_for(member).post("/foren/hochladen/", {"file": png_file("Plakat.png")})
    assert response.status_code == 201
    upload = Upload.objects.get()
    assert response.json()["markdown"] == f"![Plakat.png](/foren/dateien/{upload.key}/Plakat.png)"


def test_the_upload_endpoint_explains_refusals(member, client):
    fake = SimpleUploadedFile("bild.png", b"<html></html>")
    response = client_for(member).post("/foren/hochladen/", {"file": fake})
    assert response.status_code == 400
    assert response.json()["error"]
    assert client.post("/foren/hochladen/", {"file": png_file()}).status_code == 403


def test_a_file_attached_without_javascript_is_linked_in_the_reply(topic, member):
    client = client_for(member)
    client.post(
        f"/foren/t/{topic.pk}/",
        {
            "body_markdown": "Hier der Plan",
            "nonce": "d" * 32,
            "attachment": SimpleUploadedFile("Plan.pdf", b"%PDF-1.4"),
        },
    )
    reply = Post.objects.get(topic=topic, post_number=2)
    upload = Upload.objects.get()
    assert upload.post == reply
    assert f"[Plan.pdf](/foren/dateien/{upload.key}/Plan.pdf)" in reply.body_markdown


def test_a_refused_attachment_keeps_the_typed_text_and_saves_no_post(topic, member):
    with translation.override("en"):
        response = client_for(member).post(
            f"/foren/t/{topic.pk}/",
            {
                "body_markdown": "Mein wertvoller Text",
                "nonce": "e" * 32,
                "attachment": SimpleUploadedFile("bild.png", b"<html>x</html>"),
            },
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Mein wertvoller Text" in html
    assert "not a valid image" in html
    assert Post.objects.filter(topic=topic).count() == 1


def test_too_many_attachments_keep_the_text(topic, member, settings):
    settings.FORUMS_MAX_ATTACHMENTS = 1
    client = client_for(member)
    links = " ".join(
        services.upload_markdown(services.upload_create(uploader=member, file=png_file(f"b{n}.png"))) for n in range(2)
    )
    response = client.post(f"/foren/t/{topic.pk}/", {"body_markdown": links, "nonce": "f" * 32})
    assert response.status_code == 200
    assert Post.objects.filter(topic=topic).count() == 1
    assert Upload.objects.filter(post__isnull=False).count() == 0


# -- who may fetch a file -------------------------------------------------------------------------


def test_an_unattached_upload_is_only_for_its_uploader(member, client):
    upload = services.upload_create(uploader=member, file=png_file())
    url = composing.upload_url(upload)
    assert client_for(member).get(url).status_code == 200
    assert client_for(MemberFactory()).get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_an_upload_in_a_public_post_is_served_to_readers_with_safe_headers(topic, member, client):
    upload = services.upload_create(uploader=member, file=png_file())
    services.post_create(author=member, topic=topic, body_markdown=services.upload_markdown(upload))
    response = client.get(composing.upload_url(upload))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


def test_documents_are_always_downloads(topic, member, client):
    upload = services.upload_create(uploader=member, file=SimpleUploadedFile("Plan.pdf", b"%PDF-1.4"))
    services.post_create(author=member, topic=topic, body_markdown=services.upload_markdown(upload))
    response = client.get(composing.upload_url(upload))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_uploads_of_a_private_team_topic_are_404_for_outsiders(team_category, team_member, start_topic, client):
    topic = start_topic(category=team_category, author=team_member)
    upload = services.upload_create(uploader=team_member, file=png_file())
    services.post_create(author=team_member, topic=topic, body_markdown=services.upload_markdown(upload))
    url = composing.upload_url(upload)
    assert client_for(team_member).get(url).status_code == 200
    assert client_for(MemberFactory()).get(url).status_code == 404
    assert client.get(url).status_code == 404


def test_someone_elses_upload_cannot_be_claimed_into_a_public_post(team_category, team_member, start_topic, topic):
    upload = services.upload_create(uploader=team_member, file=png_file())
    services.post_create(author=MemberFactory(), topic=topic, body_markdown=services.upload_markdown(upload))
    upload.refresh_from_db()
    assert upload.post is None
    assert client_for(MemberFactory()).get(composing.upload_url(upload)).status_code == 404


def test_uploads_of_a_deleted_post_are_no_longer_served_to_readers(topic, member):
    upload = services.upload_create(uploader=member, file=png_file())
    reply = services.post_create(author=member, topic=topic, body_markdown=services.upload_markdown(upload))
    services.post_delete(actor=member, post=reply)
    assert client_for(MemberFactory()).get(composing.upload_url(upload)).status_code == 404


def test_unknown_keys_are_404(client):
    assert client.get(f"/foren/dateien/{'0' * 32}/x.png").status_code == 404
    assert client.get("/foren/dateien/kein-schluessel/x.png").status_code == 404
