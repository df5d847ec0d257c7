#!/usr/bin/env bash
# Start, stop or list the lotledger processes named in deploy/local/processes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=deploy/local/env.sh
. "$here/env.sh"
run="$LOTLEDGER_HOME/run"
logs="$LOTLEDGER_HOME/log"
mkdir -p "$run" "$logs"
export PATH="$root/.venv/bin:$PATH"

processes() { grep -v '^\s*#' "$here/processes" | grep -v '^\s*$'; }

alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

up() {
  while read -r name cmd; do
    if alive "$name"; then echo "$name: already running (pid $(cat "$run/$name.pid"))"; continue; fi
    (cd "$root" && setsid -f bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$run/$name.pid" $cmd \
      </dev/null >>"$logs/$name.log" 2>&1)
    for _ in $(seq 1 50); do [ -s "$run/$name.pid" ] && break; sleep 0.1; done
    echo "$name: started (pid $(cat "$run/$name.pid"), log $logs/$name.log)"
  done < <(processes)
  for port in 8001 8002 8003 8004; do
    for _ in $(seq 1 100); do
      curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
      sleep 0.2
    done
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null || { echo "service on :$port did not come up; see $logs" >&2; exit 1; }
  done
  echo "services answer on http://127.0.0.1:8001 (inventory), :8002 (traceability), :8003 (alerts)"
  echo "console on http://127.0.0.1:8004 (sign in with: uv run lotledger token --sub you --role qa --warehouse '*')"
}

down() {
  while read -r name _; do
    if alive "$name"; then
      pid=$(cat "$run/$name.pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null || true
      echo "$name: stopped"
    fi
    rm -f "$run/$name.pid"
  done < <(processes)
}

status() {
  while read -r name _; do
    if alive "$name"; then echo "$name: running (pid $(cat "$run/$name.pid"))"; else echo "$name: stopped"; fi
  done < <(processes)
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
