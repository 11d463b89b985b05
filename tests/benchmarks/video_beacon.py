"""Requests per second of the video progress beacon against a bare POST view, under gunicorn in one run.

Run with `make bench` (or `.venv/bin/python tests/benchmarks/video_beacon.py --help`). Seeds a Videothek
with one self-hosted video and one member per client thread, starts gunicorn with the test settings
(DEBUG off), fetches each member's CSRF cookie and token from the video page as the browser does, then
POSTs what video.js sends with navigator.sendBeacon (multipart/form-data: csrfmiddlewaretoken, position,
played) to videothek:beacon and the same body to a bare view behind the same middleware, CSRF check and
login (tests/benchmarks/urls.py). Prints both rates and their ratio; the issue's target (the beacon costs
at most twice the bare view, ratio >= 0.5) is reported, never asserted. The figures belong in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2] / "platform"), str(Path(__file__).resolve().parents[2])]

from tests.benchmarks.forum_pages import (  # noqa: E402 - the path above makes the project importable
    BARE,
    bench_environment,
    clean_up,
    create_database,
    get,
    measure,
    start_gunicorn,
)

BARE_POST = "/__bench__/bare-post/"
DURATION = 600  # seconds of the seeded video
TARGET = 0.5  # beacon rate / bare POST rate: the beacon costs at most 2x the bare view


def seed(members: int) -> dict:
    """Migrate, seed the page tree, one video and `members` logged-in members; URLs and session cookies."""
    import django

    django.setup()
    import io

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.urls import reverse

    from home.demo import seed_pages
    from home.models import HomePage
    from tests.factories import MemberFactory
    from tests.videothek import builders_videos as b

    call_command("migrate", verbosity=0, interactive=False)
    seed_pages(io.StringIO())
    index = b.videothek_index(HomePage.objects.get())
    video = b.video(index, title="Handlungsfeld Ernährung: Solawi gründen", duration=DURATION)
    cookies = []
    for n in range(members):
        client = Client()
        client.force_login(MemberFactory(display_name=f"Zuschauerin {n}"))
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    seeded = {"page": video.url, "beacon": reverse("videothek:beacon", args=[video.pk]), "cookies": cookies}
    connections.close_all()
    return seeded


def post(port: int, path: str, cookie: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    """One POST on a new connection, as navigator.sendBeacon sends it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST", path, body=body, headers={"Cookie": cookie, "Host": "127.0.0.1", "Content-Type": content_type}
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def csrf_of(port: int, path: str, session_cookie: str) -> tuple[str, str]:
    """(Cookie header with session and CSRF cookie, the form's token) from the video page, as a browser gets them."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": session_cookie, "Host": "127.0.0.1"})
        response = connection.getresponse()
        body = response.read().decode()
        set_cookies = response.headers.get_all("Set-Cookie") or []
    finally:
        connection.close()
    if response.status != 200 or "data-beacon-form" not in body:
        raise SystemExit(f"the video page must offer the beacon to a logged-in member ({response.status})")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    csrf_cookie = next(c.split(";", 1)[0] for c in set_cookies if c.startswith("csrftoken="))
    return f"{session_cookie}; {csrf_cookie}", token


def beacon_body(token: str, position: int) -> tuple[bytes, str]:
    """The multipart/form-data body of video.js's FormData: 15 s played up to `position`."""
    boundary = f"----mitmach{uuid.uuid4().hex}"
    fields = {
        "csrfmiddlewaretoken": token,
        "position": str(position),
        "played": f"{max(position - 15, 0)}.00-{position}.00",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


def measure_post(port: int, path: str, sessions: list[tuple[str, str]], *, requests: int, warmup: int) -> float:
    """POSTs per second over one client thread per session (cookie, token); positions move on like playback."""
    positions = itertools.cycle(range(15, DURATION, 15))
    lock = threading.Lock()

    def once(cookie: str, token: str) -> int:
        with lock:
            position = next(positions)
        body, content_type = beacon_body(token, position)
        status, _body = post(port, path, cookie, body, content_type)
        return status

    for n in range(warmup):
        status = once(*sessions[n % len(sessions)])
        if status != 200:
            raise SystemExit(f"POST {path} answered {status}")
    errors: list[str] = []
    per_thread = requests // len(sessions)

    def run(cookie: str, token: str) -> None:
        for _ in range(per_thread):
            status = once(cookie, token)
            if status != 200:
                errors.append(f"{path}: {status}")

    workers = [threading.Thread(target=run, args=session) for session in sessions]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    took = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return per_thread * len(sessions) / took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="requests per case and round (default 1000)")
    parser.add_argument("--threads", type=int, default=4, help="client threads, one member each (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported (default 3)")
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per case (default 50)")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mitmach-bench-video-"))
    database_url, pg_database = create_database(tmp)
    env = bench_environment(tmp, database_url)
    server = None
    try:
        print(f"Seeding {database_url.split('://')[0]} database ({args.threads} members, 1 video) …", flush=True)
        seeded = seed(args.threads)
        port, server = start_gunicorn(env, args.workers)
        sessions = [csrf_of(port, seeded["page"], cookie) for cookie in seeded["cookies"]]
        # Both views refuse what a browser without the token or the login would send.
        body, content_type = beacon_body("falsch", 15)
        for path in (seeded["beacon"], BARE_POST):
            if post(port, path, sessions[0][0], body, content_type)[0] != 403:
                raise SystemExit(f"{path} must refuse a POST without the CSRF token")
        body, content_type = beacon_body(sessions[0][1], 15)
        status, answer = post(port, seeded["beacon"], sessions[0][0], body, content_type)
        if status != 200 or b'"ok": true' not in answer:
            raise SystemExit(f"the beacon must store the member's progress ({status} {answer[:200]!r})")
        if get(port, seeded["page"], seeded["cookies"][0])[0] != 200:
            raise SystemExit("the video page must answer the member")

        rates: dict[str, list[float]] = {"bare GET view": [], "bare POST view (CSRF, login)": [], "progress beacon": []}
        for _round in range(args.rounds):
            rates["bare GET view"].append(
                measure(port, BARE, "", requests=args.requests, threads=args.threads, warmup=args.warmup)
            )
            for name, path in (("bare POST view (CSRF, login)", BARE_POST), ("progress beacon", seeded["beacon"])):
                rates[name].append(measure_post(port, path, sessions, requests=args.requests, warmup=args.warmup))
        medians = {name: statistics.median(values) for name, values in rates.items()}
        bare = medians["bare POST view (CSRF, login)"]
        ratio = medians["progress beacon"] / bare
        print()
        print(
            f"gunicorn {args.workers} sync workers, {args.threads} client threads (one member each), "
            f"{args.requests} requests per case and round, median of {args.rounds} rounds, "
            f"{database_url.split('://')[0]}, {os.cpu_count()} CPUs"
        )
        print(f"{'case':<30} {'req/s':>8} {'ratio to bare POST':>19}")
        for name, rate in medians.items():
            print(f"{name:<30} {rate:>8.0f} {rate / bare:>8.3f} (1/{bare / rate:.1f})")
        print()
        print(
            f"Beacon target <= 2x the bare view (ratio >= {TARGET}): {'met' if ratio >= TARGET else 'NOT met'} "
            f"({ratio:.3f}, 1/{1 / ratio:.2f})"
        )
    finally:
        clean_up(server, pg_database, tmp)


if __name__ == "__main__":
    main()
