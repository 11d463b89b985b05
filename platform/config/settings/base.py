"""Settings shared by every environment; deployments change them through environment variables."""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

PLATFORM_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = PLATFORM_DIR.parent

env = environ.Env()
# A local .env file is a convenience for self-hosters; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # daphne first: its runserver serves HTTP and websockets in one process.
    "daphne",
    # Platform layer (platform/ is a source root).
    "community",
    "realtime",
    "notifications",
    # Feature apps.
    "home",
    "forums",
    "courses",
    "videothek",
    # Wagtail; wagtail.users is replaced by our config for the custom user model.
    "wagtailmedia",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "community.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts.
    "allauth",
    "allauth.account",
    # Realtime and background work.
    "channels",
    "django_tasks",
    "django_tasks_db",
    # Django.
    "community.admin_site.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "community.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.platform",
                "notifications.context_processors.notifications",
                "forums.context_processors.moderation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mitmach",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py's async pool caps at 100 connections by default, which
                # breaks 100+ sockets joining at once (see ARCHITECTURE.md). Its default
                # read timeout of 5 s equals the layer's BZPOPMIN wait of 5 s, so an idle
                # socket's receive could time out and kill the consumer: give reads longer.
                "hosts": [{"address": REDIS_URL, "max_connections": 2000, "socket_timeout": 15}],
                "prefix": "mitmach",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Live events reach the sockets of every ASGI process through one Redis pub/sub
# subscription per stream and process (realtime.fanout); without Redis, in-process.
REALTIME_REDIS_URL = REDIS_URL

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")}}
# Seconds a notification stays unread before it is e-mailed (run_scheduler sends the mails).
NOTIFICATIONS_EMAIL_DELAY = env.int("NOTIFICATIONS_EMAIL_DELAY", default=600)

AUTH_USER_MODEL = "community.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
# Pages restricted to members send visitors to our login, not to the Wagtail admin login.
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: e-mail is the login, verification is mandatory.
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {"signup": "community.forms.SignupForm"}
ACCOUNT_UNIQUE_EMAIL = True
# allauth's enumeration prevention stays on (password reset reveals nothing); only
# sign-up says at the field that an address is taken, as Discourse does (see
# community.forms.SignupForm); allauth's sign-up rate limit keeps scanning slow.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's default rate limits (login failures, sign-ups, resets) stay on.
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mitmach-Regionen] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [PLATFORM_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [PLATFORM_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email.get("EMAIL_FILE_PATH", "")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mitmach-Regionen <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Wagtail.
WAGTAIL_SITE_NAME = "Mitmach-Regionen"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=SITE_URL)
WAGTAIL_ADMIN_PATH = env("WAGTAIL_ADMIN_PATH", default="cms/").strip("/") + "/"
DJANGO_ADMIN_PATH = env("DJANGO_ADMIN_PATH", default="django-admin/").strip("/") + "/"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The database backend uses PostgreSQL full-text search on PostgreSQL and a
# simple LIKE/FTS fallback on SQLite.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILEMBEDS_FINDERS = []  # no oEmbed request to a third party host
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the admin would otherwise call releases.wagtail.org
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None  # no e-mail hashes sent to Gravatar from the admin
WAGTAILUSERS_PASSWORD_REQUIRED = False

# Forum reading: no forum activity for this many seconds ends a member's visit ("Neu" is measured from the
# start of the previous visit).
FORUMS_VISIT_GAP = env.int("FORUMS_VISIT_GAP", default=60 * 60)

# Forum moderation and new-member limits (defaults anchored on Discourse's; see README).
# A post is hidden until reviewed once this many members flagged it.
FORUMS_FLAGS_TO_HIDE = env.int("FORUMS_FLAGS_TO_HIDE", default=3)
# New member: account younger than this many days, or fewer than FORUMS_NEW_MEMBER_POSTS posts.
FORUMS_NEW_MEMBER_DAYS = env.int("FORUMS_NEW_MEMBER_DAYS", default=1)
FORUMS_NEW_MEMBER_POSTS = env.int("FORUMS_NEW_MEMBER_POSTS", default=3)
# Seconds between two posts of a new member, and of everybody else.
FORUMS_NEW_MEMBER_POST_INTERVAL = env.int("FORUMS_NEW_MEMBER_POST_INTERVAL", default=30)
FORUMS_POST_INTERVAL = env.int("FORUMS_POST_INTERVAL", default=5)
FORUMS_NEW_MEMBER_MAX_LINKS = env.int("FORUMS_NEW_MEMBER_MAX_LINKS", default=2)
# New members attach no files in this many first posts.
FORUMS_NEW_MEMBER_ATTACHMENT_POSTS = env.int("FORUMS_NEW_MEMBER_ATTACHMENT_POSTS", default=3)
# When on, the first FORUMS_NEW_MEMBER_POSTS posts of new members wait in the review queue.
FORUMS_APPROVE_NEW_MEMBERS = env.bool("FORUMS_APPROVE_NEW_MEMBERS", default=False)

# Forum uploads (served only through a permission-checked view, never straight from /media/).
FORUMS_UPLOAD_IMAGE_MAX_BYTES = env.int("FORUMS_UPLOAD_IMAGE_MAX_BYTES", default=8 * 1024 * 1024)
FORUMS_UPLOAD_DOCUMENT_MAX_BYTES = env.int("FORUMS_UPLOAD_DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Images are re-encoded with their longest side at most this many pixels.
FORUMS_UPLOAD_IMAGE_MAX_SIDE = env.int("FORUMS_UPLOAD_IMAGE_MAX_SIDE", default=2000)
FORUMS_MAX_ATTACHMENTS = env.int("FORUMS_MAX_ATTACHMENTS", default=10)

# Online course: the longest reflection answer and the longest lesson note (characters).
COURSES_ANSWER_MAX_LENGTH = env.int("COURSES_ANSWER_MAX_LENGTH", default=10_000)
COURSES_NOTE_MAX_LENGTH = env.int("COURSES_NOTE_MAX_LENGTH", default=10_000)
# Handbook PDFs are built in the background after a publish; builds older than this many hours that never
# finished count as failed and are started again.
COURSES_HANDBOOK_BUILD_TIMEOUT_HOURS = env.int("COURSES_HANDBOOK_BUILD_TIMEOUT_HOURS", default=2)
# Off: no build after a publish; the first request for handbuch.pdf of a new revision asks for one.
COURSES_HANDBOOK_BUILD_ON_PUBLISH = env.bool("COURSES_HANDBOOK_BUILD_ON_PUBLISH", default=True)

# Events calendar: the join link shows this many minutes before the start (until the end); reminders go out
# this many minutes before each date (comma-separated).
VIDEOTHEK_JOIN_WINDOW_MINUTES = env.int("VIDEOTHEK_JOIN_WINDOW_MINUTES", default=15)
VIDEOTHEK_REMINDER_OFFSETS = [
    int(value) for value in env.list("VIDEOTHEK_REMINDER_OFFSETS", default=["1440", "60"]) if value.strip()
]

# Videothek videos: a video counts as watched once this share of its seconds was really played; uploads
# larger than this many MB are refused; self-hosted files are sent by Django ("django", Range requests) or
# by nginx from an internal location ("nginx", X-Accel-Redirect to VIDEOTHEK_ACCEL_PREFIX; docs/deploy.md).
VIDEOTHEK_WATCHED_THRESHOLD = env.float("VIDEOTHEK_WATCHED_THRESHOLD", default=0.9)
VIDEOTHEK_MAX_UPLOAD_MB = env.int("VIDEOTHEK_MAX_UPLOAD_MB", default=2048)
VIDEOTHEK_PROTECTED_MEDIA = env("VIDEOTHEK_PROTECTED_MEDIA", default="django")
VIDEOTHEK_ACCEL_PREFIX = env("VIDEOTHEK_ACCEL_PREFIX", default="/_protected/")

# wagtailmedia: uploaded videos for lessons and the Videothek (audio is not used).
# Uploads are checked by content and against VIDEOTHEK_MAX_UPLOAD_MB (videothek.media_upload).
WAGTAILMEDIA = {
    "MEDIA_MODEL": "wagtailmedia.Media",
    "AUDIO_EXTENSIONS": [],
    "VIDEO_EXTENSIONS": ["mp4", "webm", "ogv"],
    "MEDIA_FORM_BASE": "videothek.media_upload.MediaUploadForm",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Task and page-action chatter is noise in development and CI logs.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        # WeasyPrint and its font subsetting log every layout step of a handbook PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
