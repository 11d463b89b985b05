"""Rendering of posts: mentions only of members who can read the topic, our images only, quotes, inert HTML."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError

from forums import services
from forums.models import Post
from forums.services import composing
from tests.factories import MemberFactory, TeamMembershipFactory, UserFactory

from .composer_helpers import png_file, relax_limits

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings, tmp_path):
    relax_limits(settings, tmp_path)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    return collector.elements


def render(text: str, category) -> str:
    return composing.render_post(body_markdown=text, category=category)


def test_a_mention_of_a_member_who_can_read_the_topic_becomes_a_profile_link(category):
    anna = MemberFactory(display_name="Anna Berg")
    html = render(f"Danke @{anna.handle}!", category)
    assert f'<a href="/mitglieder/{anna.handle}/" class="mention">@{anna.handle}</a>' in html


def test_a_mention_in_a_private_team_forum_links_only_team_members(team_category, team_member):
    outsider = MemberFactory()
    html = render(f"Hallo @{team_member.handle} und @{outsider.handle}", team_category)
    assert f'href="/mitglieder/{team_member.handle}/"' in html
    assert f'href="/mitglieder/{outsider.handle}/"' not in html
    assert f"@{outsider.handle}" in html  # stays plain text


def test_unknown_handles_inactive_members_and_code_are_not_linked(category):
    gone = MemberFactory()
    gone.is_active = False
    gone.save()
    anna = MemberFactory()
    html = render(f"@niemand-hier @{gone.handle} `@{anna.handle}`\n\n    @{anna.handle}", category)
    assert "mention" not in html


def test_mentioned_members_are_only_readers_of_the_topic_and_never_the_author(team_category, team_member, start_topic):
    topic = start_topic(category=team_category, author=team_member)
    colleague = TeamMembershipFactory(team=team_category.team).user
    outsider = MemberFactory()
    text = f"@{team_member.handle} @{outsider.handle} @{colleague.handle} @{colleague.handle}"
    found = composing.mentioned_members(body_markdown=text, topic=topic, author=team_member)
    assert found == [colleague]


def test_a_remote_image_becomes_a_plain_link_for_privacy(category):
    html = render("![Logo](https://tracker.example/pixel.png)", category)
    assert "<img" not in html
    assert 'href="https://tracker.example/pixel.png"' in html
    assert ">Logo</a>" in html


def test_an_image_from_our_uploads_is_embedded(category, member):
    upload = services.upload_create(uploader=member, file=png_file())
    url = composing.upload_url(upload)
    html = render(f"![Plakat]({url})", category)
    assert f'<img src="{url}" alt="Plakat" loading="lazy">' in html


def test_an_upload_address_with_an_unknown_key_is_no_image(category):
    html = render(f"![x](/foren/dateien/{'a' * 32}/x.png)", category)
    assert "<img" not in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "[klick](javascript:alert(1))",
        "[klick](JaVaScRiPt:alert(1))",
        "[klick](&#106;avascript:alert(1))",
        "![x](javascript:alert(1))",
        '![x](/foren/dateien/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/x.png "a\\" onerror=\\"alert(1)")',
        '<img src=x onerror="alert(1)">',
        '<a href="https://example.org" onmouseover="steal()">x</a>',
        '<div style="width: expression(alert(1))">css</div>',
        "<svg onload=alert(1)><circle/></svg>",
        "![svg](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "[a](data:text/html,<script>alert(1)</script>)",
        "<iframe src=https://evil.example></iframe>",
        "> [@x, #1](javascript:alert(1)):\n>\n> quote",
    ],
)
def test_injection_payloads_render_inert(category, source):
    html = render(source, category)
    found = elements(html)
    assert {tag for tag, _ in found} <= {"a", "p", "blockquote", "img", "code", "pre", "span"}
    for tag, attrs in found:
        assert not [name for name in attrs if name.startswith("on") or name == "style"], (tag, attrs)
        for name in ("href", "src"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("javascript", "data", "vbscript")), (tag, attrs)
        if tag == "img":
            assert (attrs.get("src") or "").startswith("/foren/dateien/")
            pytest.fail("no image may survive these payloads")


def test_bidi_override_characters_are_removed(category):
    html = render("Rechnung \u202egnp.exe\u202c und \u2066x\u2069", category)
    assert "\u202e" not in html and "\u2066" not in html
    assert "gnp.exe" in html


def test_a_link_whose_text_shows_another_domain_shows_its_real_host(category):
    html = render("[https://meine-bank.de/login](https://evil.example/phish)", category)
    assert 'href="https://evil.example/phish"' in html
    assert '<span class="link-host"> (evil.example)</span>' in html


def test_a_homoglyph_domain_is_shown_and_linked_in_punycode(category):
    lookalike = "\u0440\u0430\u0443\u0440\u0430l.com"  # Cyrillic letters that read "paypal"
    puny = lookalike.encode("idna").decode()
    assert puny.startswith("xn--")
    html = render(f"Login: https://{lookalike}/konto", category)
    assert f'href="https://{puny}/konto"' in html
    assert f">https://{puny}/konto</a>" in html
    markdown_link = render(f"[Konto](https://{lookalike}/)", category)
    assert f'href="https://{puny}/"' in markdown_link


def test_external_links_get_rel_nofollow_ugc_noopener(category):
    html = render("[Netzwerk](https://example.org/) und https://example.org/x", category)
    assert html.count('rel="nofollow noopener ugc"') == 2


def test_a_quote_in_our_format_is_rendered_as_a_quote_with_its_source(category, topic):
    text = f"> [@anna, #1](/foren/t/{topic.pk}/1/):\n>\n> Wir suchen Erfahrungen\n\nDanke!"
    html = render(text, category)
    assert '<blockquote class="post-quote">' in html
    assert f'<a href="/foren/t/{topic.pk}/1/" class="post-quote__source">@anna, #1</a>' in html


def test_quoted_post_numbers_finds_quotes_of_this_topic_only(topic, start_topic, category):
    other = start_topic(category=category, title="Ein anderes Thema hier")
    text = (
        f"> [@a, #1](/foren/t/{topic.pk}/1/):\n>\n> eins\n\n"
        f"> [@b, #4](/foren/t/{other.pk}/4/):\n>\n> anderes Thema\n\n"
        f"```\n> [@c, #2](/foren/t/{topic.pk}/2/):\n```\n\n"
        f"> [@a, #1](/foren/t/{topic.pk}/1/): doppelt\n\n"
        "> kein Zitat im Format\n"
    )
    assert composing.quoted_post_numbers(body_markdown=text, topic=topic) == [1]


def test_quote_markdown_round_trips_through_detection(topic):
    first = Post.objects.get(topic=topic, post_number=1)
    text = services.quote_markdown(post=first)
    assert text.startswith(f"> [@{topic.author.handle}, #1](/foren/t/{topic.pk}/1/):\n>\n> ")
    assert composing.quoted_post_numbers(body_markdown=text + "Antwort", topic=topic) == [1]


def test_quoting_a_hidden_or_deleted_post_is_refused(topic, member):
    reply = services.post_create(author=MemberFactory(), topic=topic, body_markdown="Eine Antwort")
    Post.objects.filter(pk=reply.pk).update(hidden_at=reply.created_at)
    quote = f"> [@x, #{reply.post_number}](/foren/t/{topic.pk}/{reply.post_number}/):\n>\n> zitiert\n\nJa"
    with pytest.raises(ValidationError) as caught:
        services.post_create(author=member, topic=topic, body_markdown=quote)
    assert caught.value.error_dict["body_markdown"][0].code == "quote_hidden"


def test_upload_count_counts_each_referenced_upload_once_outside_code():
    key_a, key_b = "a" * 32, "b" * 32
    text = (
        f"![a](/foren/dateien/{key_a}/a.png) [a](/foren/dateien/{key_a}/a.png) "
        f"[b](/foren/dateien/{key_b}/b.pdf) `![c](/foren/dateien/{'c' * 32}/c.png)`"
    )
    assert services.upload_count_in(text) == 2


def test_more_attachments_than_allowed_are_refused(topic, member, settings):
    settings.FORUMS_MAX_ATTACHMENTS = 2
    text = " ".join(f"[d{n}](/foren/dateien/{str(n) * 32}/d.pdf)" for n in range(3))
    with pytest.raises(ValidationError) as caught:
        services.post_create(author=member, topic=topic, body_markdown=text)
    assert caught.value.error_dict["body_markdown"][0].code == "too_many_attachments"


def test_a_mention_of_an_unverified_account_in_a_members_forum_is_not_linked(start_topic):
    from forums.models import Category

    from .conftest import CategoryFactory

    members_only = CategoryFactory(visibility=Category.Visibility.MEMBERS)
    unverified = UserFactory()
    html = render(f"@{unverified.handle}", members_only)
    assert "mention" not in html
