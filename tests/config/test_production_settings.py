"""Production settings refuse to start insecurely, and pass Django's deployment checks when configured."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

REPO_ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 10 + secrets.token_urlsafe(50)
GOOD = {"debug": False, "secret_key": GOOD_KEY, "allowed_hosts": ["mitmach.example.org"]}

# The example values of .env.example, for a production site at mitmach.example.org.
EXAMPLE_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": GOOD_KEY,
    "DJANGO_DEBUG": "false",
    "DJANGO_ALLOWED_HOSTS": "mitmach.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://mitmach.example.org",
    "SITE_URL": "https://mitmach.example.org",
    "EMAIL_URL": "smtp+tls://mitmach%40example.org:CHANGE-ME@mail.example.org:587",
    "DEFAULT_FROM_EMAIL": "Mitmach-Regionen <noreply@mitmach.example.org>",
}


def check_production_settings(**overrides):
    from config.settings.production import check_production_settings as check

    return check(**{**GOOD, **overrides})


@pytest.fixture(scope="module", autouse=True)
def _production_settings_imported():
    """Import the module once with a valid environment; its import-time check must not fire here."""
    patch = pytest.MonkeyPatch()
    patch.setenv("DJANGO_SECRET_KEY", GOOD_KEY)
    patch.setenv("DJANGO_ALLOWED_HOSTS", "mitmach.example.org")
    patch.setenv("DJANGO_DEBUG", "false")
    try:
        import config.settings.production  # noqa: F401
    finally:
        patch.undo()


def test_good_settings_pass():
    assert check_production_settings() is None


def test_debug_on_is_refused():
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG must be off"):
        check_production_settings(debug=True)


@pytest.mark.parametrize(
    "secret_key",
    [
        "",
        "   ",
        "change-me",
        "CHANGEME",
        "secret",
        "django-insecure-" + "x" * 60,
        "dev-only-insecure-key-change-me-0123456789abcdefghij-and-more-letters",
        "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-not-secret",
        "k" * 49,
    ],
    ids=["empty", "blank", "change-me", "changeme", "secret", "django-insecure", "dev-key", "test-key", "49-chars"],
)
def test_a_missing_default_or_short_secret_key_is_refused(secret_key):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY") as error:
        check_production_settings(secret_key=secret_key)

    assert "secrets.token_urlsafe" in str(error.value)  # says how to fix it


@pytest.mark.parametrize("allowed_hosts", [[], [""], ["  "]], ids=["none", "empty-string", "blank"])
def test_empty_allowed_hosts_are_refused(allowed_hosts):
    with pytest.raises(ImproperlyConfigured, match="DJANGO_ALLOWED_HOSTS is empty"):
        check_production_settings(allowed_hosts=allowed_hosts)


def run_in_repository(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith(("DJANGO_", "REDIS_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env={**clean, "PYTHONPATH": str(REPO_ROOT / "platform"), **env},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.parametrize(
    ("bad_env", "message"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY is missing"),
        ({"DJANGO_SECRET_KEY": "too-short"}, "shorter than 50 characters"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS is empty"),
    ],
    ids=["debug", "no-secret-key", "short-secret-key", "no-allowed-hosts"],
)
def test_importing_production_settings_with_a_bad_environment_fails_with_the_reason(bad_env, message):
    result = run_in_repository(["-c", "import config.settings.production"], {**EXAMPLE_ENV, **bad_env})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_the_deployment_checks_pass_with_the_example_environment(tmp_path):
    env = {**EXAMPLE_ENV, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "STATIC_ROOT": str(tmp_path)}

    result = run_in_repository(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
