"""`manage.py run_scheduler`: --once runs every job, the loop stops cleanly on SIGTERM and SIGINT."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications import services
from notifications.models import Notification

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_once_runs_the_email_and_digest_jobs_and_exits(member, test_kinds, settings):
    settings.NOTIFICATIONS_EMAIL_DELAY = 0
    notification = services.notification_create(
        recipient=member, kind="test_reply", data={"title": "Eine Antwort", "url": "/foren/t/1/2/"}
    )
    Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    out = StringIO()

    call_command("run_scheduler", "--once", stdout=out)

    assert len(mail.outbox) == 1
    assert "notification e-mails" in out.getvalue()
    assert "digests" in out.getvalue()


@pytest.fixture(scope="module")
def scheduler_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a scheduler subprocess with its own migrated database (never this test's)."""
    database = tmp_path_factory.mktemp("scheduler") / "scheduler.sqlite3"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{database}"}
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=900
    )
    return env


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_the_scheduler_stops_cleanly_on_a_signal(sig, scheduler_env):
    env = scheduler_env
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_scheduler", "--tick", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        output = ""
        while "Scheduler: enqueued digests" not in output and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            output += line
        process.send_signal(sig)
        rest, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "Scheduler stopped." in output + rest
