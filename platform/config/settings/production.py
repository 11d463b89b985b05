"""Production settings: everything from the environment, refusing insecure configuration."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

INSECURE_SECRET_KEYS = {"", "change-me", "changeme", "django-insecure", "secret"}


def check_production_settings(*, debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """Refuse to start with settings that would be unsafe on the internet."""
    if debug:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production settings.")
    if (
        secret_key.strip().lower() in INSECURE_SECRET_KEYS
        or secret_key.startswith(("django-insecure", "dev-only", "test-only"))
        or len(secret_key) < 50
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is missing, a known default or shorter than 50 characters; "
            "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    if not [host for host in allowed_hosts if host.strip()]:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS is empty; list the host names this site answers to.")


DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
check_production_settings(debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS)

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CONN_HEALTH_CHECKS = True
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
SILENCED_SYSTEM_CHECKS = [
    # Reason: Wagtail's live preview shows the page in an iframe of the admin on the
    # same origin; X_FRAME_OPTIONS = "SAMEORIGIN" (base settings) still refuses
    # framing by any other site.
    "security.W019",
]
if not SECURE_HSTS_PRELOAD:
    # Reason: submitting a domain to the browsers' HSTS preload list is a lasting
    # decision of the domain's owner (it covers every subdomain), not a default a
    # self-hosted install may take; DJANGO_SECURE_HSTS_PRELOAD=true opts in.
    SILENCED_SYSTEM_CHECKS.append("security.W021")
