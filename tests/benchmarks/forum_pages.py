"""Requests per second of the forum pages against a bare Django view, all under gunicorn in one run.

Run with `make bench` (or `.venv/bin/python tests/benchmarks/forum_pages.py --help`). The script
creates its own database (a SQLite file in a temporary folder, or - when DATABASE_URL points to
PostgreSQL - a fresh database on that server, dropped afterwards), seeds a category with 30
topics, one of them with 20 posts, logs a member in, starts gunicorn with the test settings
(DEBUG off) on a free port and measures a fixed number of requests per page with a few client
threads after a warm-up. The figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = "tests.benchmarks.settings"
BARE = "/__bench__/bare/"


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_database(tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL for the run, name of a PostgreSQL database to drop afterwards)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import psycopg

    parts = urlsplit(base)
    name = f"mitmach_bench_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_database(name: str) -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed() -> dict[str, str]:
    """Migrate and fill the database through the services; returns the URLs and the member's session cookie."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from forums import services
    from forums.models import Category
    from forums.services.moderation import limits_bypassed
    from tests.factories import MemberFactory

    call_command("migrate", verbosity=0, interactive=False)
    member = MemberFactory(display_name="Kim Beispiel")
    others = [MemberFactory(display_name=f"Person {n}") for n in range(4)]
    category = Category.objects.create(
        name="Mitmach-Konferenz organisieren",
        slug="konferenz",
        description="Wie wir eine Mitmach-Konferenz in der Region vorbereiten.",
    )
    text = (
        "Wir planen die **Mitmach-Konferenz** im Herbst. Wer hat Erfahrungen mit der Raumsuche?\n\n"
        "- Größe: 80 bis 120 Menschen\n- barrierefrei\n- gut mit Bus und Bahn erreichbar\n\n"
        "Danke für eure Tipps! Mehr dazu auf https://example.org/konferenz."
    )
    with limits_bypassed():
        for n in range(29):
            services.topic_create(
                author=others[n % 4], category=category, title=f"Erfahrungen mit Thema Nummer {n}", body_markdown=text
            )
        topic = services.topic_create(
            author=member, category=category, title="Wie findet ihr einen Raum für die Konferenz?", body_markdown=text
        )
        posts = [topic.posts.get()]
        for n in range(19):
            posts.append(
                services.post_create(
                    author=others[n % 4],
                    topic=topic,
                    body_markdown=f"Antwort {n}: {text}",
                    reply_to=posts[n // 2],
                )
            )
    client = Client()
    client.force_login(member)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    connections.close_all()
    # ?page=1: a bare topic URL sends a returning member on to their first unread post.
    return {"topic": f"/foren/t/{topic.pk}/?page=1", "list": f"/foren/c/{category.slug}/", "cookie": cookie}


def get(port: int, path: str, cookie: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_for(port: int, server: subprocess.Popen, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with code {server.returncode}")
        try:
            if get(port, BARE, "")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def bench_environment(tmp: Path, database_url: str) -> dict[str, str]:
    """The environment of the seeding process and of gunicorn: the run's database, media folder and settings."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "MEDIA_ROOT": str(tmp / "media"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        "PYTHONWARNINGS": "ignore::UserWarning",
    }
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT")})
    return env


def start_gunicorn(env: dict[str, str], workers: int) -> tuple[int, subprocess.Popen]:
    """gunicorn with the benchmark settings on a free port, answering the bare view; (port, process)."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - fixed command line
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ],
        env=env,
    )
    wait_for(port, server)
    return port, server


def clean_up(server: subprocess.Popen | None, pg_database: str | None, tmp: Path) -> None:
    if server is not None:
        server.terminate()
        server.wait(timeout=30)
    if pg_database:
        from django.db import connections

        connections.close_all()
        drop_database(pg_database)
    shutil.rmtree(tmp, ignore_errors=True)


def measure(port: int, path: str, cookie: str, *, requests: int, threads: int, warmup: int) -> float:
    """Requests per second for `requests` GETs spread over `threads` client threads (each request a new connection)."""
    for _ in range(warmup):
        status, _body = get(port, path, cookie)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    errors: list[str] = []
    per_thread = requests // threads

    def run() -> None:
        for _ in range(per_thread):
            status, _body = get(port, path, cookie)
            if status != 200:
                errors.append(f"{path}: {status}")

    workers = [threading.Thread(target=run) for _ in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    took = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return per_thread * threads / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per page and round (default 1000)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported (default 3)")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per page (default 50)")
    args = parser.parse_args()

    sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
    tmp = Path(tempfile.mkdtemp(prefix="mitmach-bench-"))
    database_url, pg_database = create_database(tmp)
    env = bench_environment(tmp, database_url)
    server = None
    try:
        print(f"Seeding {database_url.split('://')[0]} database …", flush=True)
        pages = seed()
        port, server = start_gunicorn(env, args.workers)
        cookie = pages["cookie"]
        status, body = get(port, pages["topic"], cookie)
        if status != 200 or body.count(b'class="post') < 20:
            print(status, body.decode(errors="replace")[:3000])
            raise SystemExit("the topic page must show 20 posts")
        assert b"Kim Beispiel" in body, "the member must be logged in"  # noqa: S101
        cases = [
            ("bare Django view", BARE, ""),
            ("topic page (20 posts, logged in)", pages["topic"], cookie),
            ("topic list (30 topics, logged in)", pages["list"], cookie),
        ]
        results: dict[str, list[float]] = {name: [] for name, _path, _cookie in cases}
        for _round in range(args.rounds):
            for name, path, page_cookie in cases:
                rate = measure(
                    port, path, page_cookie, requests=args.requests, threads=args.threads, warmup=args.warmup
                )
                results[name].append(rate)
        medians = {name: statistics.median(rates) for name, rates in results.items()}
        bare = medians["bare Django view"]
        print()
        print(
            f"gunicorn {args.workers} sync workers, {args.threads} client threads, {args.requests} requests "
            f"per page and round, median of {args.rounds} rounds, {database_url.split('://')[0]}, "
            f"{os.cpu_count()} CPUs"
        )
        print(f"{'page':<36} {'req/s':>8} {'ratio to bare':>14}")
        for name, rate in medians.items():
            ratio = rate / bare
            print(f"{name:<36} {rate:>8.0f} {ratio:>8.3f} (1/{1 / ratio:.1f})")
        target = medians["topic page (20 posts, logged in)"] / bare
        print()
        print(f"Topic page target >= 1/10 of the bare view: {'met' if target >= 0.1 else 'NOT met'} ({target:.3f})")
    finally:
        clean_up(server, pg_database, tmp)


if __name__ == "__main__":
    main()
