"""Steps several browser tests share: becoming a member through the real forms, and what a page must not do."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, pgettext


def german(message: str, context: str | None = None, **params) -> str:
    """A message as the German page shows it (English until the catalogue has it, like the page)."""
    with translation.override("de"):
        text = pgettext(context, message) if context else gettext(message)
    return text % params if params else text


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


def sign_up_confirm_and_log_in(page, base: str, *, display_name: str, email: str, password: str) -> None:
    """From the home page: sign up, confirm the address with the e-mail's link, log in (ends on the home page)."""
    from playwright.sync_api import expect

    page.goto(base + "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    page.locator('a[href="/konto/signup/"]').first.click()
    expect(page).to_have_url(base + "/konto/signup/")

    page.locator("input[name=display_name]").fill(display_name)
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    submit(page, "password2")
    expect(page).to_have_url(base + "/konto/confirm-email/")

    # GET shows a button, POST confirms.
    page.goto(verification_link(base))
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    expect(page).to_have_url(re.compile(re.escape(base) + r"/konto/login/"))

    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    submit(page, "password")
    expect(page).to_have_url(base + "/")
    expect(page.locator("header")).to_contain_text(display_name)


def assert_page_behaved(page, base: str) -> None:
    """No JavaScript or console error, and not a single request left the live server's host."""
    host = urlsplit(base).hostname
    assert host in {"localhost", "127.0.0.1"}
    assert page.watch.console_errors == []
    assert page.watch.page_errors == []
    assert page.watch.requested_urls
    assert page.watch.foreign_requests(host) == []
