"""Delivery latency of one chat room's messages to N websockets: our hub against raw Redis pub/sub and Channels groups.

Run with `make bench` (or `.venv/bin/python tests/benchmarks/chat_fanout.py --help`). Needs
Redis on a loopback address (REDIS_URL, default redis://127.0.0.1:6379/0). The script
creates its own database (a SQLite file, or a fresh PostgreSQL database when DATABASE_URL
points to PostgreSQL, dropped afterwards), seeds a Handlungsfeld room and its members,
and for each system starts real daphne processes on free loopback ports:

- hub: the site's ASGI application; clients subscribe to `chat:<room>` over /ws/, the
  driver sends chat messages through the chat service (database write, publish after
  commit, realtime.fanout over Redis pub/sub);
- bare: a minimal ASGI app subscribed to one Redis channel that writes each message
  unchanged to every socket (the baseline);
- core / pubsub: plain Channels consumers joined to one group, fed by `group_send` on
  channels_redis.core.RedisChannelLayer / channels_redis.pubsub.RedisPubSubChannelLayer.

All systems carry the same frame (a real `message.created` event frame, pre-serialised).
A separate client process holds the N websockets and timestamps every frame; latency is
measured from the moment the driver publishes (for the hub: the `event_published` signal,
right before the frame goes to Redis) to its arrival, on the machine's monotonic clock.
The figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import queue
import resource
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
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
SETTINGS = "tests.benchmarks.fanout_settings"
SYSTEMS = {
    "hub": "our hub (realtime.fanout)",
    "bare": "bare ASGI + raw Redis pub/sub",
    "core": "Channels group_send, RedisChannelLayer",
    "pubsub": "Channels group_send, RedisPubSubChannelLayer",
}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CONNECT_CONCURRENCY = 50
BOOT_SECONDS = 120
DRAIN_SECONDS = 30  # after the last message, the longest wait for stragglers


# -- the client process ----------------------------------------------------------------------


async def run_clients(config: dict[str, Any]) -> None:
    """Hold config["n"] websockets, report READY, timestamp every event frame, print the records on STOP."""
    import websockets

    records: list[tuple[int, float, str]] = []
    expected = config["expected"]
    received = 0
    complete = asyncio.Event()
    limiter = asyncio.Semaphore(CONNECT_CONCURRENCY)
    urls, cookies = config["urls"], config["cookies"]

    async def open_socket(index: int) -> Any:
        url = urls[index % len(urls)]
        async with limiter:
            ws = await websockets.connect(
                url,
                origin=url.replace("ws://", "http://").rsplit("/ws/", 1)[0],
                additional_headers={"Cookie": cookies[index % len(cookies)]} if cookies else None,
                compression=None,
                ping_interval=None,
                open_timeout=60,
                max_queue=None,
            )
            if config["subscribe"]:
                await ws.recv()  # hello
                await ws.send(config["subscribe"])
            while '"subscribed"' not in await asyncio.wait_for(ws.recv(), 60):
                pass
        return ws

    async def listen(index: int, ws: Any) -> None:
        nonlocal received
        clock = time.monotonic
        async for text in ws:
            records.append((index, clock(), text))
            received += 1
            if received >= expected:
                complete.set()

    sockets = await asyncio.gather(*(open_socket(index) for index in range(config["n"])))
    listeners = [asyncio.ensure_future(listen(index, ws)) for index, ws in enumerate(sockets)]
    print("READY", flush=True)
    loop = asyncio.get_running_loop()
    stop = loop.run_in_executor(None, sys.stdin.readline)
    waiter = asyncio.ensure_future(complete.wait())
    done, _pending = await asyncio.wait({stop, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if waiter in done:
        print("COMPLETE", flush=True)
        await stop
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    result = []
    for index, at, text in records:
        frame = json.loads(text)
        if frame.get("type") == "event":
            result.append((index, frame["id"], at))
    print("RESULT " + json.dumps(result), flush=True)


# -- the driver ------------------------------------------------------------------------------


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raise_file_limit(needed: int) -> None:
    """Every websocket is a file descriptor in the client and in a server; children inherit the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        raise SystemExit(f"ulimit -n allows {hard} files; {needed} are needed. Raise it or use fewer --clients.")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def create_database(tmp: Path) -> tuple[str, str | None]:
    """(DATABASE_URL for the run, name of a PostgreSQL database to drop afterwards)."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'bench.sqlite3'}", None
    import psycopg

    parts = urlsplit(base)
    name = f"mitmach_fanout_{os.getpid()}"
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def drop_database(name: str) -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(listeners: int) -> dict[str, Any]:
    """Migrate; a Handlungsfeld room with a sender and `listeners` members (one session each)."""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from forums.models import Room
    from forums.services import chat
    from realtime.fanout import event_frame
    from tests.factories import HandlungsfeldFactory, MemberFactory

    call_command("migrate", verbosity=0, interactive=False)
    room = Room.objects.get(handlungsfeld=HandlungsfeldFactory(name="Mobilität"))
    sender = MemberFactory(display_name="Kim Beispiel")
    cookies = []
    for n in range(listeners):
        client = Client()
        client.force_login(MemberFactory(display_name=f"Person {n}"))
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}")
    sample = chat.message_send(author=sender, room=room, body_markdown=MESSAGE_TEXT.format(n=0))
    frame = event_frame(
        {
            "stream": f"chat:{room.pk}",
            "id": sample.pk,
            "kind": "message.created",
            "payload": chat.message_payload(sample),
        }
    )
    connections.close_all()
    return {"room": room, "sender": sender, "cookies": cookies, "frame": frame}


MESSAGE_TEXT = "Treffen wir uns am **Donnerstag** um 18 Uhr im Stadtteilzentrum? Ich bringe Kaffee mit. ({n})"


class Servers:
    """P daphne processes running one system's ASGI application."""

    def __init__(self, system: str, processes: int, env: dict[str, str], logs: Path) -> None:
        application = {
            "hub": "config.asgi:application",
            "bare": "tests.benchmarks.fanout_apps:bare_application",
            "core": "tests.benchmarks.fanout_apps:group_application",
            "pubsub": "tests.benchmarks.fanout_apps:group_application",
        }[system]
        env = {**env, "BENCH_CHANNEL_LAYER": system if system in {"core", "pubsub"} else "core"}
        self.ports = [free_port() for _ in range(processes)]
        self.processes = []
        for number, port in enumerate(self.ports):
            log = (logs / f"{system}-{number}.log").open("wb")
            self.processes.append(
                subprocess.Popen(  # noqa: S603 - fixed command line
                    [
                        str(Path(sys.executable).parent / "daphne"),
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "-v",
                        "0",
                        "--websocket_timeout",
                        "-1",
                        application,
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + BOOT_SECONDS
        for process, port in zip(self.processes, self.ports, strict=True):
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"{system} server exited with {process.returncode}; see {logs}")
                try:
                    with closing(socket.create_connection(("127.0.0.1", port), timeout=1)):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"{system} server did not start in time") from None
                    time.sleep(0.1)

    @property
    def urls(self) -> list[str]:
        return [f"ws://127.0.0.1:{port}/ws/" for port in self.ports]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


class ClientProcess:
    def __init__(self, config: dict[str, Any], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - this script itself
            [sys.executable, __file__, "--client"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        assert self.process.stdin is not None  # noqa: S101
        self.process.stdin.write(json.dumps(config) + "\n")
        self.process.stdin.flush()

    def _read(self) -> None:
        assert self.process.stdout is not None  # noqa: S101
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("EOF")

    def wait_for(self, word: str, seconds: float) -> str | None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                return None
            if line == "EOF":
                raise SystemExit(f"the client process ended early (code {self.process.wait()})")
            if line.startswith(word):
                return line
        return None

    def finish(self) -> list[tuple[int, int, float]]:
        assert self.process.stdin is not None  # noqa: S101
        self.process.stdin.write("STOP\n")
        self.process.stdin.flush()
        line = self.wait_for("RESULT ", 120)
        self.process.wait(timeout=60)
        if line is None:
            raise SystemExit("the client process sent no result")
        return [tuple(record) for record in json.loads(line[len("RESULT ") :])]


class Sender:
    """Publishes message number `seq` through one system; returns the event id the clients will see."""

    def __init__(self, system: str, seeded: dict[str, Any], prefix: str) -> None:
        self.system = system
        self.seeded = seeded
        self.published: dict[int, float] = {}
        self.template = json.loads(seeded["frame"])
        redis_url = os.environ["REDIS_URL"]
        if system == "hub":
            from realtime.events import event_published

            def observe(sender: Any, event: dict[str, Any], **kwargs: Any) -> None:
                self.published[event["id"]] = time.monotonic()

            event_published.connect(observe, weak=False, dispatch_uid="chat_fanout_bench")
        elif system == "bare":
            import redis

            from tests.benchmarks import fanout_apps

            self.redis = redis.Redis.from_url(redis_url)
            self.channel = fanout_apps.BARE_CHANNEL
        else:
            from channels_redis.core import RedisChannelLayer
            from channels_redis.pubsub import RedisPubSubChannelLayer

            layer_class = RedisChannelLayer if system == "core" else RedisPubSubChannelLayer
            self.layer = layer_class(
                hosts=[{"address": redis_url, "max_connections": 2000, "socket_timeout": 15}], prefix=prefix
            )
            self.loop = asyncio.new_event_loop()

    def frame(self, seq: int) -> str:
        return json.dumps({**self.template, "id": seq}, separators=(",", ":"))

    def send(self, seq: int) -> int:
        if self.system == "hub":
            from forums.services import chat

            message = chat.message_send(
                author=self.seeded["sender"], room=self.seeded["room"], body_markdown=MESSAGE_TEXT.format(n=seq)
            )
            return message.pk
        frame = self.frame(seq)
        if self.system == "bare":
            self.published[seq] = time.monotonic()
            self.redis.publish(self.channel, frame)
        else:
            self.published[seq] = time.monotonic()
            self.loop.run_until_complete(self.layer.group_send("bench-room", {"type": "chat.message", "frame": frame}))
        return seq

    def close(self) -> None:
        if self.system == "hub":
            from realtime.events import event_published

            event_published.disconnect(dispatch_uid="chat_fanout_bench")
        elif self.system == "bare":
            self.redis.close()
        else:
            if self.system == "core":
                self.loop.run_until_complete(self.layer.close_pools())
            else:
                self.loop.run_until_complete(self.layer.flush())
            self.loop.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(
    system: str, servers: Servers, seeded: dict[str, Any], n: int, args: argparse.Namespace, env: dict[str, str]
) -> dict[str, Any]:
    room_stream = f"chat:{seeded['room'].pk}"
    total = args.warmup + args.messages
    config = {
        "urls": servers.urls,
        "n": n,
        "cookies": seeded["cookies"] if system == "hub" else [],
        "subscribe": json.dumps({"type": "subscribe", "stream": room_stream}) if system == "hub" else None,
        "expected": n * total,
    }
    clients = ClientProcess(config, env)
    if clients.wait_for("READY", 300) is None:
        raise SystemExit(f"{system}: {n} clients did not connect in time")
    time.sleep(0.5)  # let the servers settle after the connection storm
    sender = Sender(system, seeded, env["BENCH_PREFIX"])
    ids: list[int] = []
    started = time.monotonic()
    try:
        for seq in range(1, total + 1):
            pause = started + seq * args.interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            ids.append(sender.send(seq))
        clients.wait_for("COMPLETE", DRAIN_SECONDS)
        records = clients.finish()
    finally:
        sender.close()
    measured = set(ids[args.warmup :])
    seen: dict[tuple[int, int], int] = {}
    latencies: list[float] = []
    for index, event_id, at in records:
        if event_id not in measured:
            continue
        key = (index, event_id)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] == 1:
            latencies.append((at - sender.published[event_id]) * 1000)
    duplicated = sum(count - 1 for count in seen.values())
    lost = n * len(measured) - len(seen)
    if lost:
        missing: dict[int, int] = {}
        for index in range(n):
            for event_id in measured:
                if (index, event_id) not in seen:
                    missing[index] = missing.get(index, 0) + 1
        print(f"  {system}, {n} clients: {lost} frames lost on {len(missing)} sockets", flush=True)
    return {
        "median": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 0.99) if latencies else float("nan"),
        "lost": lost,
        "duplicated": duplicated,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", default="100,500,1000", help="websocket counts, comma-separated")
    parser.add_argument("--messages", type=int, default=20, help="measured messages per run (default 20)")
    parser.add_argument("--warmup", type=int, default=3, help="messages sent first and not counted (default 3)")
    parser.add_argument("--interval", type=float, default=0.25, help="seconds between messages (default 0.25)")
    parser.add_argument("--processes", type=int, default=1, help="ASGI server processes per system (default 1)")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help=f"any of {','.join(SYSTEMS)}")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.client:
        asyncio.run(run_clients(json.loads(sys.stdin.readline())))
        return

    counts = [int(part) for part in args.clients.split(",")]
    systems = [part for part in args.systems.split(",") if part]
    if unknown := set(systems) - set(SYSTEMS):
        raise SystemExit(f"unknown systems: {', '.join(sorted(unknown))}")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if urlsplit(redis_url).hostname not in LOOPBACK:
        raise SystemExit("The benchmark only talks to a Redis on a loopback address (REDIS_URL).")
    raise_file_limit(max(counts) * 2 + 1024)

    tmp = Path(tempfile.mkdtemp(prefix="mitmach-fanout-"))
    database_url, pg_database = create_database(tmp)
    prefix = f"bench-{os.getpid()}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "BENCH_PREFIX": prefix,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "MEDIA_ROOT": str(tmp / "media"),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "platform"), str(ROOT)]),
        "PYTHONWARNINGS": "ignore",
    }
    os.environ.update(
        {key: env[key] for key in ("DATABASE_URL", "REDIS_URL", "BENCH_PREFIX", "DJANGO_SETTINGS_MODULE")}
    )
    os.environ["MEDIA_ROOT"] = env["MEDIA_ROOT"]
    results: dict[tuple[str, int], dict[str, Any]] = {}
    try:
        print(f"Seeding {database_url.split('://')[0]} database …", flush=True)
        seeded = seed(listeners=50)
        for system in systems:
            print(f"{SYSTEMS[system]}: starting {args.processes} server process(es) …", flush=True)
            servers = Servers(system, args.processes, env, tmp)
            try:
                for n in counts:
                    results[(system, n)] = result = measure(system, servers, seeded, n, args, env)
                    print(
                        f"  {n:>5} clients: median {result['median']:7.1f} ms, p99 {result['p99']:7.1f} ms, "
                        f"lost {result['lost']}, duplicated {result['duplicated']}",
                        flush=True,
                    )
            finally:
                servers.stop()
    finally:
        if pg_database:
            from django.db import connections

            connections.close_all()
            drop_database(pg_database)
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    print(
        f"{args.messages} messages per run ({args.warmup} warm-up), one every {args.interval * 1000:.0f} ms, "
        f"{args.processes} daphne process(es) per system, clients in one process, "
        f"{database_url.split('://')[0]}, {os.cpu_count()} CPUs"
    )
    print(f"{'clients':>7}  {'system':<44} {'median ms':>9} {'p99 ms':>8} {'lost':>5} {'dup':>4} {'x bare':>13}")
    for n in counts:
        bare = results.get(("bare", n))
        for system in systems:
            result = results[(system, n)]
            ratio = ""
            if bare and system != "bare":
                ratio = f"{result['median'] / bare['median']:.1f} / {result['p99'] / bare['p99']:.1f}"
            print(
                f"{n:>7}  {SYSTEMS[system]:<44} {result['median']:>9.1f} {result['p99']:>8.1f} "
                f"{result['lost']:>5} {result['duplicated']:>4} {ratio:>13}"
            )
    print("(x bare: median / p99 latency as a multiple of the bare baseline's)")
    top = max(counts)
    if ("hub", top) in results and ("bare", top) in results:
        hub, bare = results[("hub", top)], results[("bare", top)]
        ratio = hub["median"] / bare["median"]
        met = ratio <= 2 and hub["lost"] == 0 and hub["duplicated"] == 0
        print(
            f"\nTarget at {top} clients (median within 2x the baseline, 0 lost, 0 duplicated): "
            f"{'met' if met else 'NOT met'} ({ratio:.2f}x, lost {hub['lost']}, duplicated {hub['duplicated']})"
        )


if __name__ == "__main__":
    main()
