"""`manage.py run_scheduler`: enqueue the periodic jobs (notification e-mails every minute, digests hourly).

`make run` starts it beside the web server; production runs it as a service. With the database
task backend the jobs it enqueues are executed by `manage.py db_worker`.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from notifications import registry, tasks

logger = logging.getLogger("notifications.scheduler")


@dataclass
class Job:
    name: str
    interval: float
    enqueue: Callable[[], Any]
    next_run: float = 0.0


def default_jobs() -> list[Job]:
    return [
        Job("notification e-mails", 60, tasks.send_notification_emails.enqueue),
        Job("digests", 3600, tasks.send_digests.enqueue),
        *(Job(job.name, job.interval, job.enqueue) for job in registry.periodic_jobs()),
    ]


class Command(BaseCommand):
    help = "Run the periodic jobs (notification e-mails every minute, digests every hour) until stopped."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every job once, then exit (tests, cron).")
        parser.add_argument(
            "--tick", type=float, default=1.0, help="Seconds between checks whether a job is due (default: 1)."
        )

    def handle(self, *args: Any, once: bool = False, tick: float = 1.0, **options: Any) -> None:
        jobs = default_jobs()
        if once:
            # One pass in the caller's connection: nothing is long-lived, nothing to recycle (and a
            # caller inside a transaction, like a test, keeps it).
            for job in jobs:
                self._run(job, recycle_connections=False)
            return

        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            self.stdout.write(f"Scheduler: {signal.Signals(signum).name} received, stopping.")
            stop.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        self.stdout.write("Scheduler started: " + ", ".join(f"{job.name} every {int(job.interval)} s" for job in jobs))
        try:
            while not stop.is_set():
                now = time.monotonic()
                for job in jobs:
                    if stop.is_set():
                        break
                    if now >= job.next_run:
                        job.next_run = now + job.interval
                        self._run(job)
                stop.wait(tick)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write("Scheduler stopped.")

    def _run(self, job: Job, *, recycle_connections: bool = True) -> None:
        # A long-running loop must not keep a connection the database closed or that is too old.
        if recycle_connections:
            close_old_connections()
        try:
            result = job.enqueue()
        except Exception:  # a failing job is logged and retried at its next interval; the loop goes on
            logger.exception("Scheduler: %s failed", job.name)
            self.stderr.write(f"Scheduler: {job.name} failed (see log).")
            return
        status = getattr(result, "status", "")
        value = ""
        if getattr(result, "is_finished", False):
            try:
                value = f", result {result.return_value}"
            except Exception:  # noqa: S110 - a failed immediate task has no return value; its status says it
                pass
        message = f"Scheduler: enqueued {job.name} ({status}{value})"
        logger.info(message)
        self.stdout.write(message)
        if recycle_connections:
            close_old_connections()
