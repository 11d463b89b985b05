"""The migrations match the models: a model change without its migration fails here (and in CI)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_a_migration():
    out = io.StringIO()

    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"makemigrations would create migrations (exit {exit_.code}):\n{out.getvalue()}")


def test_the_community_app_uses_its_own_app_config():
    # A bare AppConfig would skip ready(): no signal handlers, no seed steps.
    from django.apps import apps

    from community.apps import CommunityConfig

    assert type(apps.get_app_config("community")) is CommunityConfig
