"""Settings for the benchmarks: the test settings (DEBUG off) plus a URLconf with a bare view."""

from config.settings.test import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Production keeps connections open under gunicorn; so does the benchmark.
DATABASES["default"]["CONN_MAX_AGE"] = 60  # noqa: F405
