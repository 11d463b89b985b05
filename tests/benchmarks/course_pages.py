"""Requests per second of course pages at two sizes, against a bare Django view, under gunicorn in one run.

Run with `make bench` (or `.venv/bin/python tests/benchmarks/course_pages.py --help`). Seeds a course of
6 lessons and one of 60 with 1,000 learners, a learner enrolled in 2 courses and one in 20, then
measures the course page (outline with the learner's state) for 6 and 60 lessons, the lesson page,
and Mein Lernstand for 2 and 20 courses. Prints each page's ratio to the bare view and the ratio of
the large to the small size (1.0 means the size costs nothing), and times one handbook PDF build of
the 60-lesson course. No time is asserted anywhere; the figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
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

LEARNERS = 1000


def seed() -> dict[str, str]:
    import django

    django.setup()
    import io

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.utils import timezone

    from community.models import User
    from courses import services
    from courses.models import BlockResponse, Enrollment, LessonCompletion
    from courses.signals import handbook_builds_paused
    from home.demo import seed_pages
    from home.models import HomePage
    from tests.courses.builders import build_course, checklist, lessons_of, question, quiz, reflection, text
    from tests.factories import MemberFactory

    call_command("migrate", verbosity=0, interactive=False)
    paused = handbook_builds_paused()
    paused.__enter__()  # no PDF build after each publish of the seed; one is timed at the end
    seed_pages(io.StringIO())
    home = HomePage.objects.get()

    def body(n: int) -> list:
        return [
            text("<p>Wie ihr eure Region mit frischem Blick entdeckt: ein Rundgang, Gespräche, eine Karte.</p>"),
            checklist(
                "Vorbereitung", [("Karte drucken", True, f"a{n}"), ("Termin finden", False, f"b{n}")], id=f"c{n}"
            ),
            reflection("Was hat euch überrascht?", id=f"r{n}"),
            quiz(
                "Quiz",
                [question("Q?", [("Ja", True, "gut", f"y{n}"), ("Nein", False, "", f"n{n}")], id=f"q{n}")],
                id=f"z{n}",
            ),
        ]

    small = build_course(
        home, title="Kleiner Kurs", slug="klein", modules=[[body(m * 10 + n) for n in range(3)] for m in range(2)]
    )
    large = build_course(
        home, title="Großer Kurs", slug="gross", modules=[[body(m * 100 + n) for n in range(10)] for m in range(6)]
    )
    large_lessons = lessons_of(large)

    # 1,000 learners in the large course, each about halfway: bulk rows (the services would take minutes).
    learners = User.objects.bulk_create(
        [User(email=f"lernende{n}@example.org", display_name=f"Lernende {n}") for n in range(LEARNERS)]
    )
    now = timezone.now()
    Enrollment.objects.bulk_create([Enrollment(user=u, course=large, last_activity_at=now) for u in learners])
    LessonCompletion.objects.bulk_create(
        [LessonCompletion(user=u, lesson=lesson) for i, u in enumerate(learners) for lesson in large_lessons[: i % 60]],
        batch_size=5000,
    )
    BlockResponse.objects.bulk_create(
        [
            BlockResponse(user=u, lesson=large_lessons[0], block_id="r0", kind="reflection", data={"text": "Antwort"})
            for u in learners
        ],
        batch_size=5000,
    )

    member = MemberFactory(display_name="Kim Beispiel")
    for course in (small, large):
        lessons = lessons_of(course)
        for lesson in lessons[: len(lessons) // 2]:
            services.lesson_complete(user=member, lesson=lesson)
    few, many = MemberFactory(display_name="Zwei Kurse"), MemberFactory(display_name="Zwanzig Kurse")
    for n in range(20):
        course = build_course(home, title=f"Kurs {n}", slug=f"kurs-{n}", modules=[[[text()], [text()]]])
        first = lessons_of(course)[0]
        services.lesson_complete(user=many, lesson=first)
        if n < 2:
            services.lesson_complete(user=few, lesson=first)

    def cookie_of(user) -> str:
        client = Client()
        client.force_login(user)
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    paused.__exit__(None, None, None)
    pages = {
        "small": small.url,
        "large": large.url,
        "lesson_small": lessons_of(small)[3].url,
        "lesson_large": large_lessons[30].url,
        "member": cookie_of(member),
        "few": cookie_of(few),
        "many": cookie_of(many),
        "large_slug": large.slug,
    }
    connections.close_all()
    return pages


def pdf_build_seconds(slug: str) -> str:
    """One synchronous build of the large course's handbook PDF, as `manage.py build_handbook` does it."""
    from django.core.management import call_command, get_commands

    if "build_handbook" not in get_commands():
        return "not available"
    started = time.perf_counter()
    call_command("build_handbook", course=slug, variant="members", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return f"{time.perf_counter() - started:.1f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per page and round (default 400)")
    parser.add_argument("--threads", type=int, default=4, help="concurrent client threads (default 4)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported (default 3)")
    parser.add_argument("--warmup", type=int, default=20, help="warm-up requests per page (default 20)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the handbook PDF build")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="mitmach-bench-courses-"))
    database_url, pg_database = create_database(tmp)
    env = bench_environment(tmp, database_url)
    server = None
    try:
        print(f"Seeding {database_url.split('://')[0]} database ({LEARNERS} learners) …", flush=True)
        pages = seed()
        port, server = start_gunicorn(env, args.workers)
        status, body = get(port, pages["large"], pages["member"])
        if status != 200 or body.count(b"course-outline__lesson ") < 60:
            raise SystemExit("the large course page must list 60 lessons")
        cases = [
            ("bare Django view", BARE, ""),
            ("course page, 6 lessons", pages["small"], pages["member"]),
            ("course page, 60 lessons", pages["large"], pages["member"]),
            ("lesson page, course of 6", pages["lesson_small"], pages["member"]),
            ("lesson page, course of 60", pages["lesson_large"], pages["member"]),
            ("Mein Lernstand, 2 courses", "/mein-lernstand/", pages["few"]),
            ("Mein Lernstand, 20 courses", "/mein-lernstand/", pages["many"]),
        ]
        results: dict[str, list[float]] = {name: [] for name, _path, _cookie in cases}
        for _round in range(args.rounds):
            for name, path, cookie in cases:
                results[name].append(
                    measure(port, path, cookie, requests=args.requests, threads=args.threads, warmup=args.warmup)
                )
        medians = {name: statistics.median(rates) for name, rates in results.items()}
        bare = medians["bare Django view"]
        print()
        print(
            f"gunicorn {args.workers} sync workers, {args.threads} client threads, {args.requests} requests per page "
            f"and round, median of {args.rounds} rounds, {database_url.split('://')[0]}, {os.cpu_count()} CPUs"
        )
        print(f"{'page':<30} {'req/s':>8} {'ratio to bare':>14}")
        for name, rate in medians.items():
            print(f"{name:<30} {rate:>8.0f} {rate / bare:>8.3f} (1/{bare / rate:.1f})")
        print()
        for label, large_name, small_name in (
            ("outline 60/6", "course page, 60 lessons", "course page, 6 lessons"),
            ("lesson 60/6", "lesson page, course of 60", "lesson page, course of 6"),
            ("dashboard 20/2", "Mein Lernstand, 20 courses", "Mein Lernstand, 2 courses"),
        ):
            # Time per request of the large size over the small one: 1.0 = size costs nothing.
            print(f"{label:<16} {medians[small_name] / medians[large_name]:.2f}")
        if not args.no_pdf:
            print(f"{'handbook PDF, 60 lessons':<30} {pdf_build_seconds(pages['large_slug'])}")
    finally:
        clean_up(server, pg_database, tmp)


if __name__ == "__main__":
    main()
