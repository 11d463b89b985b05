#!/usr/bin/env bash
# Measures "fresh clone to served page": clones the repository, times `make run` until
# http://127.0.0.1:$PORT/ answers, then stops the server. Not part of CI; for the README's figure.
#
#   bash .ci/time_make_run.sh                   # clone of the committed HEAD, warm caches
#   WORKTREE=1 bash .ci/time_make_run.sh        # also copy uncommitted (not ignored) files
#   COLD=1 bash .ci/time_make_run.sh            # empty uv and pip caches: everything downloaded
#   PORT=8765 bash .ci/time_make_run.sh         # another port (default 18431, so 8000 may stay in use)
set -euo pipefail

SOURCE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORT=${PORT:-18431}
WORK=$(mktemp -d -t mitmach-fresh.XXXXXX)
DEST="$WORK/fresh"
LOG="$WORK/make-run.log"
SERVER_PID=""

stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        # make, manage.py and runserver's autoreloader child share the process group setsid gave them.
        kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 20); do
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.25
        done
        kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}

cleanup() {
    stop_server
    if [ "${KEEP:-0}" != 1 ]; then
        rm -rf "$WORK"
    else
        echo "kept: $WORK"
    fi
}
trap cleanup EXIT

if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "error: something already answers on port $PORT; choose another with PORT=..." >&2
    exit 1
fi

git clone -q "$SOURCE" "$DEST"
if [ "${WORKTREE:-0}" = 1 ]; then
    (cd "$SOURCE" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf -) | tar -xf - -C "$DEST"
fi

if [ "${COLD:-0}" = 1 ]; then
    export UV_CACHE_DIR="$WORK/uv-cache" PIP_NO_CACHE_DIR=1
    mkdir -p "$UV_CACHE_DIR"
fi

cd "$DEST"
started=$(date +%s.%N)
setsid make run PORT="$PORT" </dev/null >"$LOG" 2>&1 &
SERVER_PID=$!

code=000
while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)
    if [ "$code" != 000 ]; then
        # Only our own server counts: the listener must be in make's process group.
        listener=$(ss -Hltnp "sport = :$PORT" | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2)
        if [ -n "$listener" ] && [ "$(ps -o pgid= -p "$listener" | tr -d ' ')" = "$SERVER_PID" ]; then
            break
        fi
        echo "error: another process (pid ${listener:-?}) answers on port $PORT; choose another with PORT=..." >&2
        exit 1
    fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "error: make run stopped before serving; its output:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    if awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN { exit !(n - s > 600) }'; then
        echo "error: no answer after 600 s; output so far:" >&2
        cat "$LOG" >&2
        exit 1
    fi
    sleep 0.2
done
finished=$(date +%s.%N)
seconds=$(awk -v s="$started" -v f="$finished" 'BEGIN { printf "%.1f", f - s }')

stop_server
echo "--- make run output (last 25 lines) ---"
tail -n 25 "$LOG"
echo "---"
echo "GET / answered HTTP $code after ${seconds} s (make run in a fresh clone; cold caches: ${COLD:-0})"
case "$code" in
    2?? | 3??) ;;
    *) exit 1 ;;
esac
