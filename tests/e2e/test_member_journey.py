"""A visitor signs up, confirms the e-mail address, logs in, edits the profile and logs out, in Chromium."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from community.models import Profile, User

# The live server needs committed data; serialized_rollback restores the page tree
# and the role groups the migrations created.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DISPLAY_NAME = "Greta Grün"
EMAIL = "greta@example.org"
PASSWORD = "Streuobst-Wiese-2026!"


@pytest.fixture
def seeded_site(live_server):
    from community.demo import seed_taxonomy
    from home.demo import seed_pages

    seed_taxonomy(io.StringIO())
    seed_pages(io.StringIO())


def submit(page, field_name: str) -> None:
    """Click the submit button of the form that holds the named field (not the language switch)."""
    form = page.locator("form").filter(has=page.locator(f"[name={field_name}]"))
    form.locator("button[type=submit], input[type=submit]").first.click()


def verification_link(live_server_url: str) -> str:
    assert len(mail.outbox) == 1, [message.subject for message in mail.outbox]
    match = re.search(r"https?://\S+/konto/confirm-email/\S+/", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    # The link names the host the visitor used; keep the live server's scheme and port.
    return live_server_url + urlsplit(match.group(0)).path


def open_user_menu(page) -> None:
    page.locator("header").get_by_text(DISPLAY_NAME).first.click()


def test_a_visitor_becomes_a_member_edits_the_profile_and_logs_out(page, live_server, seeded_site):
    from playwright.sync_api import expect

    base = live_server.url

    # The home page, then the way to sign up.
    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.locator('a[href="/konto/signup/"]').first.click()
    expect(page).to_have_url(base + "/konto/signup/")

    # Sign up.
    page.locator("input[name=display_name]").fill(DISPLAY_NAME)
    page.locator("input[name=email]").fill(EMAIL)
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    submit(page, "password2")
    expect(page).to_have_url(base + "/konto/confirm-email/")

    # Confirm the address with the link from the e-mail (GET shows a button, POST confirms).
    page.goto(verification_link(base))
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/konto/login/"))

    # Log in; the display name appears in the header.
    page.locator("input[name=login]").fill(EMAIL)
    page.locator("input[name=password]").fill(PASSWORD)
    submit(page, "password")
    expect(page).to_have_url(base + "/")
    expect(page.locator("header")).to_contain_text(DISPLAY_NAME)

    # Edit the profile through the user menu.
    open_user_menu(page)
    page.locator('header a[href="/konto/profil/"]').click()
    expect(page).to_have_url(base + "/konto/profil/")
    page.locator("textarea[name=bio]").fill("Ich kümmere mich um **Streuobstwiesen**.")
    page.locator("select[name=region]").select_option(label="Wendland")
    submit(page, "bio")
    with translation.override("de"):
        saved_message = gettext("Your profile has been saved.")
    expect(page.get_by_role("status")).to_contain_text(saved_message)

    profile = Profile.objects.select_related("region").get(user__email=EMAIL)
    assert profile.region.name == "Wendland"
    assert "<strong>Streuobstwiesen</strong>" in profile.bio_html
    assert User.objects.get(email=EMAIL).groups.filter(name="Mitglied").exists()

    # Log out with the POST form in the user menu.
    open_user_menu(page)
    page.locator('header form[action="/konto/logout/"] button[type=submit]').click()
    expect(page.locator("header")).not_to_contain_text(DISPLAY_NAME)
    expect(page.locator('header a[href="/konto/login/"]')).to_be_visible()

    watch = page.watch
    assert watch.console_errors == []
    assert watch.page_errors == []
    live_host = urlsplit(base).hostname
    assert live_host in {"localhost", "127.0.0.1"}
    assert watch.requested_urls
    assert watch.foreign_requests(live_host) == []
