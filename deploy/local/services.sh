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

# alive NAME COMMAND: the pid file names a live process (not a zombie a parent has yet to
# reap, which `kill -0` still finds) that runs COMMAND (not another process given the pid).
alive() {
  local pid state cmdline
  [ -f "$run/$1.pid" ] || return 1
  pid=$(cat "$run/$1.pid")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  state=$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
  case "$state" in Z | X | x | "") return 1 ;; esac
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  case " $cmdline" in *" $2 "* | *"/$2 "*) return 0 ;; *) return 1 ;; esac
}

up() {
  while read -r name cmd; do
    if alive "$name" "$cmd"; then echo "$name: already running (pid $(cat "$run/$name.pid"))"; continue; fi
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
  while read -r name cmd; do
    if alive "$name" "$cmd"; then
      pid=$(cat "$run/$name.pid")
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
      for _ in $(seq 1 50); do alive "$name" "$cmd" || break; sleep 0.2; done
      alive "$name" "$cmd" && kill -KILL -- "-$pid" 2>/dev/null || true
      echo "$name: stopped"
    fi
    rm -f "$run/$name.pid"
  done < <(processes)
}

status() {
  while read -r name cmd; do
    if alive "$name" "$cmd"; then echo "$name: running (pid $(cat "$run/$name.pid"))"; else echo "$name: stopped"; fi
  done < <(processes)
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
