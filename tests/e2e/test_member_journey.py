"""A visitor signs up, confirms the e-mail address, logs in, edits the profile and logs out, in Chromium."""

from __future__ import annotations

import io

import pytest

from community.models import Profile, User

from .journeys import assert_page_behaved, german, sign_up_confirm_and_log_in, submit

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


def open_user_menu(page) -> None:
    page.locator("header").get_by_text(DISPLAY_NAME).first.click()


def test_a_visitor_becomes_a_member_edits_the_profile_and_logs_out(page, live_server, seeded_site):
    from playwright.sync_api import expect

    base = live_server.url

    # Sign up, confirm the address with the link from the e-mail, log in.
    sign_up_confirm_and_log_in(page, base, display_name=DISPLAY_NAME, email=EMAIL, password=PASSWORD)

    # Edit the profile through the user menu.
    open_user_menu(page)
    page.locator('header a[href="/konto/profil/"]').click()
    expect(page).to_have_url(base + "/konto/profil/")
    page.locator("textarea[name=bio]").fill("Ich kümmere mich um **Streuobstwiesen**.")
    page.locator("select[name=region]").select_option(label="Wendland")
    submit(page, "bio")
    expect(page.get_by_role("status")).to_contain_text(german("Your profile has been saved."))

    profile = Profile.objects.select_related("region").get(user__email=EMAIL)
    assert profile.region.name == "Wendland"
    assert "<strong>Streuobstwiesen</strong>" in profile.bio_html
    assert User.objects.get(email=EMAIL).groups.filter(name="Mitglied").exists()

    # Log out with the POST form in the user menu.
    open_user_menu(page)
    page.locator('header form[action="/konto/logout/"] button[type=submit]').click()
    expect(page.locator("header")).not_to_contain_text(DISPLAY_NAME)
    expect(page.locator('header a[href="/konto/login/"]')).to_be_visible()

    assert_page_behaved(page, base)
