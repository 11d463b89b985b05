"""Settings for the test suite: fast hashing, captured e-mail, no manifest for static files."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Rate limits would make repeated sign-ups in one test process flaky; the
# rate-limit tests switch them back on explicitly.
ACCOUNT_RATE_LIMITS = False
MEDIA_ROOT = env.path("MEDIA_ROOT", default="/tmp/mitmach-test-media")  # noqa: S108
# The forums' new-member limits would trip the many quick posts of test set-ups;
# the limit tests switch them back on with the `settings` fixture.
FORUMS_POST_INTERVAL = 0
FORUMS_NEW_MEMBER_POST_INTERVAL = 0
FORUMS_NEW_MEMBER_MAX_LINKS = 1000
FORUMS_NEW_MEMBER_ATTACHMENT_POSTS = 0
