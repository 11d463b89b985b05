"""The forums in Chromium: writing with an image, quoting and mentioning, the bell, solutions, flags, limits, XSS."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from community.roles import Role
from forums import services
from forums.models import Flag, ModerationAction, Post
from tests.factories import MemberFactory
from tests.forums.conftest import CategoryFactory

# The live server needs committed data; serialized_rollback restores what the migrations created.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

OPENING = "Wir ernten am Samstag **gemeinsam** Äpfel auf der Streuobstwiese. Wer bringt eine Leiter mit?"


def german(message: str, **params) -> str:
    """A message as the German page shows it (English until the catalogue has it, like the page)."""
    with translation.override("de"):
        text = gettext(message)
    return text % params if params else text


def assert_page_behaved(page, live_server) -> None:
    """No JavaScript or console error, and not a single request left the live server's host."""
    host = urlsplit(live_server.url).hostname
    assert host in {"localhost", "127.0.0.1"}
    assert page.watch.page_errors == []
    assert page.watch.console_errors == []
    assert page.watch.requested_urls
    assert page.watch.foreign_requests(host) == []


def submit_button(page):
    """The form's main (primary) submit button, not the composer's preview button."""
    return page.locator("main form:has(textarea[name=body_markdown]) button.button--primary[type=submit]")


@pytest.fixture
def category(live_server):
    return CategoryFactory(name="Streuobstwiesen", slug="streuobstwiesen")


def test_a_member_starts_a_topic_with_markdown_and_an_uploaded_image(new_page, live_server, category, tmp_path):
    from playwright.sync_api import expect

    member = MemberFactory(display_name="Greta Grün")
    image_path = tmp_path / "wiese.png"
    Image.new("RGB", (48, 32), (40, 140, 60)).save(image_path)
    page = new_page(member)

    page.goto(f"{live_server.url}/foren/c/{category.slug}/thema-erstellen/")
    page.locator("input[name=title]").fill("Apfelernte im Wendland")
    textarea = page.locator("textarea[name=body_markdown]")
    textarea.fill("Wir ernten am Samstag **gemeinsam** Äpfel.\n\n")
    # The composer uploads the chosen file at once and inserts its Markdown at the cursor.
    page.locator("input[type=file][name=attachment]").set_input_files(image_path)
    expect(textarea).to_have_value(re.compile(r"!\[[^\]]*\]\(/foren/dateien/[^)]+\)"))
    assert textarea.input_value().startswith("Wir ernten am Samstag **gemeinsam** Äpfel.")
    submit_button(page).click()

    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/foren/t/\d+/"))
    expect(page.locator("h1")).to_have_text("Apfelernte im Wendland")
    body = page.locator("article#post-1 .post__body")
    expect(body.locator("strong")).to_have_text("gemeinsam")
    image = body.locator("img")
    expect(image).to_have_count(1)
    assert urlsplit(image.get_attribute("src")).path.startswith("/foren/dateien/")
    # The browser really got the picture from the forum's file view.
    image.scroll_into_view_if_needed()
    page.wait_for_function("image => image.complete && image.naturalWidth === 48", arg=image.element_handle())

    post = Post.objects.get(topic__title="Apfelernte im Wendland", post_number=1)
    assert post.author == member
    assert "<strong>gemeinsam</strong>" in post.body_html
    assert_page_behaved(page, live_server)


def test_a_reply_quotes_and_mentions_and_the_author_follows_the_bell_and_marks_the_solution(
    new_page, live_server, category
):
    from playwright.sync_api import expect

    greta = MemberFactory(display_name="Greta Grün")
    jonas = MemberFactory(display_name="Jonas Berg")
    topic = services.topic_create(author=greta, category=category, title="Wer hat eine Leiter?", body_markdown=OPENING)
    topic_url = f"{live_server.url}/foren/t/{topic.pk}/"

    # Greta has nothing in her bell yet.
    greta_page = new_page(greta)
    greta_page.goto(topic_url)
    expect(greta_page.locator("summary.bell")).to_be_visible()
    expect(greta_page.locator("summary.bell .bell__count")).to_have_count(0)

    # Jonas, in a browser of his own, selects a sentence of Greta's post and quotes it.
    jonas_page = new_page(jonas)
    jonas_page.goto(topic_url)
    jonas_page.evaluate(
        """() => {
            const strong = document.querySelector("article#post-1 .post__body strong");
            const range = document.createRange();
            range.selectNodeContents(strong.parentNode);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    quote_button = jonas_page.locator("button.composer__quote-selection")
    expect(quote_button).to_be_visible()
    quote_button.click()
    textarea = jonas_page.locator("#reply textarea[name=body_markdown]")
    expect(textarea).to_have_value(re.compile(r"^> \[@" + re.escape(greta.handle) + r", #1\]\("))
    expect(textarea).to_have_value(re.compile(r"> Wir ernten am Samstag gemeinsam Äpfel"))

    # He mentions Greta through the suggestion list, then writes his answer.
    textarea.press("End")
    textarea.press_sequentially("@" + greta.handle[:3], delay=30)
    option = jonas_page.locator("[role=listbox] [role=option]", has_text="Greta Grün")
    expect(option).to_be_visible()
    option.click()
    expect(textarea).to_have_value(re.compile("@" + re.escape(greta.handle) + " $"))
    textarea.press_sequentially("ich bringe die lange Leiter mit.")
    submit_button(jonas_page).click()

    reply = jonas_page.locator("article#post-2")
    expect(reply.locator(".post__body blockquote")).to_contain_text("Wir ernten am Samstag gemeinsam Äpfel")
    expect(reply.locator(".post__body")).to_contain_text("ich bringe die lange Leiter mit.")
    expect(reply.locator(".post__body")).to_contain_text("@" + greta.handle)

    # Greta's bell now counts it; the notification leads her to Jonas's post.
    greta_page.reload()
    count = greta_page.locator("summary.bell .bell__count")
    expect(count).to_have_text(re.compile(r"^[1-9]\d*$"))
    greta_page.locator("summary.bell").click()
    greta_page.locator(".bell-menu__item--unread a.bell-menu__link").first.click()
    expect(greta_page).to_have_url(re.compile(rf"/foren/t/{topic.pk}/(\?page=1)?#post-2$"))
    expect(greta_page.locator("article#post-2")).to_be_in_viewport()
    expect(greta_page.locator("summary.bell .bell__count")).to_have_count(0)

    # She marks Jonas's answer as the solution: "Gelöst" at the top, and a way to the solution.
    greta_page.locator("article#post-2").get_by_role("button", name=german("Mark as solution")).click()
    expect(greta_page.locator(".topic-header__meta")).to_contain_text(german("Solved"))
    expect(greta_page.locator(".topic-solution a")).to_contain_text("#2")
    expect(greta_page.locator("article#post-2").get_by_role("button", name=german("Unmark solution"))).to_be_visible()
    topic.refresh_from_db()
    assert topic.accepted_post_id == Post.objects.get(topic=topic, post_number=2).pk

    assert_page_behaved(greta_page, live_server)
    assert_page_behaved(jonas_page, live_server)


def test_a_moderator_reviews_a_post_hidden_by_flags_and_the_log_shows_it(new_page, live_server, category):
    from playwright.sync_api import expect

    author = MemberFactory(display_name="Greta Grün")
    replier = MemberFactory(display_name="Ole Sturm")
    topic = services.topic_create(author=author, category=category, title="Mosterei-Termine", body_markdown=OPENING)
    flagged = services.post_create(
        author=replier, topic=topic, body_markdown="Der Termin ist Quatsch, kommt bloß nicht."
    )
    for _ in range(3):
        services.flag_create(reporter=MemberFactory(), post=flagged, reason=Flag.Reason.INAPPROPRIATE)
    flagged.refresh_from_db()
    assert flagged.hidden_at is not None  # three flags hide it until a moderator decides

    moderator = MemberFactory(display_name="Mara Moderation", roles=[Role.MODERATOR])
    page = new_page(moderator)
    page.goto(f"{live_server.url}/foren/")
    expect(page.locator("header a.moderation-link .moderation-link__count")).to_have_text("1")
    page.locator("header a.moderation-link").click()
    expect(page).to_have_url(f"{live_server.url}/foren/moderation/")

    item = page.locator(f"li#flagged-{flagged.pk}")
    expect(item).to_contain_text("Mosterei-Termine #2")
    expect(item.locator(".moderation-item__excerpt")).to_contain_text("Der Termin ist Quatsch")
    expect(item.locator(".moderation-item__reasons")).to_contain_text("(3)")
    expect(item.locator(".badge, [class*=badge]").first).to_contain_text(german("Hidden"))

    reason = "Deutlich formuliert, aber kein Verstoß gegen die Regeln."
    item.locator("input[name=reason]").fill(reason)
    item.locator("button[name=decision][value=disagree]").click()
    expect(page.locator(f"li#flagged-{flagged.pk}")).to_have_count(0)

    flagged.refresh_from_db()
    assert flagged.hidden_at is None
    assert not Flag.objects.filter(post=flagged, resolved_at__isnull=True).exists()
    assert set(Flag.objects.filter(post=flagged).values_list("outcome", flat=True)) == {Flag.Outcome.DISAGREED}

    # The log names the moderator and the reason; the post is readable again.
    page.goto(f"{live_server.url}/foren/moderation/protokoll/")
    row = page.locator("table.moderation-log tbody tr", has_text=reason)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Mara Moderation")
    expect(row).to_contain_text("Mosterei-Termine #2")
    assert ModerationAction.objects.filter(actor=moderator, reason=reason).count() == 1

    page.goto(f"{live_server.url}/foren/t/{topic.pk}/")
    expect(page.locator("article#post-2 .post__body")).to_contain_text("Der Termin ist Quatsch")
    assert_page_behaved(page, live_server)


def test_a_new_member_over_the_link_limit_sees_why_and_keeps_the_text(new_page, live_server, category, settings):
    from playwright.sync_api import expect

    settings.FORUMS_NEW_MEMBER_MAX_LINKS = 2
    topic = services.topic_create(
        author=MemberFactory(), category=category, title="Gute Adressen für Saft", body_markdown=OPENING
    )
    newcomer = MemberFactory(display_name="Nele Neu")  # joined today: a new member
    page = new_page(newcomer)
    page.goto(f"{live_server.url}/foren/t/{topic.pk}/")

    text = (
        "Schaut mal hier: https://example.org/saft, [die Mosterei](https://example.com/mosterei)\n"
        "und https://example.net/obstwiesen – alles in der Nähe."
    )
    textarea = page.locator("#reply textarea[name=body_markdown]")
    textarea.fill(text)
    submit_button(page).click()

    expect(page.locator("#reply")).to_contain_text(
        german("As a new member you can put at most %(max)d links in a post.", max=2)
    )
    expect(page.locator("#reply textarea[name=body_markdown]")).to_have_value(text)
    assert not Post.objects.filter(topic=topic, author=newcomer).exists()
    # Nothing was linked, so nothing was fetched from the named hosts either.
    assert_page_behaved(page, live_server)


MALICIOUS = """Harmlos **fett** <script>window.__pwned = "script"; alert("script")</script>

<img src=x onerror="window.__pwned = 'img'; alert('img')">

[klick mich](javascript:window.__pwned='link';alert('link'))

<svg onload="window.__pwned='svg';alert('svg')"><script>alert('svg-script')</script></svg>

<a href="javascript:alert('a')">a</a> <iframe src="javascript:alert('iframe')"></iframe>"""


def test_a_malicious_post_renders_inert(new_page, live_server, category):
    from playwright.sync_api import expect

    attacker = MemberFactory(display_name="Max Muster")
    topic = services.topic_create(author=attacker, category=category, title="Harmloser Titel", body_markdown=MALICIOUS)
    reader = MemberFactory(display_name="Greta Grün")
    page = new_page(reader)
    dialogs: list[str] = []

    def record(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.goto(f"{live_server.url}/foren/t/{topic.pk}/")

    def assert_inert(body) -> None:
        expect(body.locator("strong")).to_have_text("fett")
        # The markup arrives as text, visibly escaped ...
        expect(body).to_contain_text('<script>window.__pwned = "script"; alert("script")</script>')
        expect(body).to_contain_text("<img src=x onerror=")
        expect(body).to_contain_text("<svg onload=")
        # ... and nothing of it became an element or a javascript: link.
        for selector in ("script", "img", "svg", "iframe", "[onerror]", "[onload]", "a[href^='javascript' i]"):
            assert body.locator(selector).count() == 0, selector

    assert_inert(page.locator("article#post-1 .post__body"))

    # The composer's live preview (inserted with innerHTML) and a posted reply stay inert too.
    textarea = page.locator("#reply textarea[name=body_markdown]")
    textarea.fill(MALICIOUS)
    page.locator("#reply [data-composer-preview-button]").click()
    preview = page.locator("#reply .composer__preview:not([hidden])")
    expect(preview).to_be_visible()
    assert_inert(preview)
    submit_button(page).click()
    assert_inert(page.locator("article#post-2 .post__body"))

    page.wait_for_timeout(300)  # room for a late onerror/onload, had anything become an element
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert dialogs == []
    assert_page_behaved(page, live_server)
