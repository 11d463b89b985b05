"""Privacy by default: the editors' admin sends nothing to third-party hosts either."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db

# What a browser fetches by itself: src attributes and <link> tags (stylesheets, icons,
# preloads). Plain <a href> links to other sites are fine: they load only on a click.
_OTHER_HOST = r"""["'](?:https?:)?//(?!testserver|localhost|127\.0\.0\.1)"""
THIRD_PARTY_URL = re.compile(rf"""(?:\bsrc=|<link\b[^>]*\bhref=){_OTHER_HOST}""")


def test_the_wagtail_dashboard_loads_nothing_from_other_hosts(editor_client, home_page):
    response = editor_client.get("/cms/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "gravatar" not in html.lower()
    assert not THIRD_PARTY_URL.findall(html)


def test_the_home_page_loads_nothing_from_other_hosts(client, home_page):
    html = client.get("/").content.decode()

    assert not THIRD_PARTY_URL.findall(html)
