#!/usr/bin/env bash
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

usage() { echo "usage: $0 up|status|down   (Debian cluster '$PG_CLUSTER' on $PG_HOST:$PG_PORT; status exits 3 when down)" >&2; exit 2; }

SERVICE_ROLES=(inventory traceability alerts)
SETTINGS="listen_addresses = '127.0.0.1'
max_connections = 300
shared_buffers = 1GB
work_mem = 16MB
max_wal_size = 4GB
checkpoint_timeout = 15min
fsync = on
synchronous_commit = on
password_encryption = 'scram-sha-256'"

priv() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }
as_pg() { if ((EUID == 0)); then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
say() { echo "postgres[$PG_CLUSTER]: $*"; }

# Prints "<version> <status>" of our cluster; fails if it does not exist.
cluster() {
  command -v pg_lsclusters >/dev/null || return 1
  pg_lsclusters -h | awk -v c="$PG_CLUSTER" '$2 == c { print $1, $4; found = 1 } END { exit !found }'
}

ensure_server() {
  if command -v pg_createcluster >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
    return
  fi
  say "server binaries missing; installing the postgresql package"
  priv apt-get update -qq
  priv env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

DB_PASSWORD_VARIABLES=(ADMIN INVENTORY TRACEABILITY ALERTS INVENTORY_OWNER TRACEABILITY_OWNER ALERTS_OWNER)
psql_pg() {
  local keep_dev_passwords=() v
  for v in "${DB_PASSWORD_VARIABLES[@]}"; do keep_dev_passwords+=(-u "LOTLEDGER_${v}_DB_PASSWORD"); done
  as_pg env "${keep_dev_passwords[@]}" PGOPTIONS='-c client_min_messages=warning' \
    psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"
}

# Roles, database and schemas from the one script every setup uses; it also converts a cluster
# laid out before least-privilege roles (docs/adr/0007-least-privilege-roles.md). The local
# cluster keeps the development passwords whatever the shell exports.
provision() {
  psql_pg -d postgres <"$LOTLEDGER_DEPLOY_DIR/../docker/postgres-init.sql"
}

up() {
  ensure_server
  local ver status conf
  if ! read -r ver status < <(cluster); then
    ver=$(printf '%s\n' /usr/lib/postgresql/*/bin/postgres | cut -d/ -f5 | sort -n | tail -1)
    say "creating cluster $ver/$PG_CLUSTER on port $PG_PORT"
    priv pg_createcluster -q "$ver" "$PG_CLUSTER" -p "$PG_PORT" --start-conf=manual --locale=C.UTF-8 \
      -- --auth-local=peer --auth-host=scram-sha-256 >/dev/null
    status=down
  fi
  conf="/etc/postgresql/$ver/$PG_CLUSTER/conf.d/lotledger.conf"
  if [[ ! -f $conf || "$(<"$conf")" != "$SETTINGS" ]]; then
    printf '%s\n' "$SETTINGS" | priv tee "$conf" >/dev/null
    [[ $status == online* ]] && status=changed
  fi
  if [[ $status == changed ]]; then
    priv pg_ctlcluster "$ver" "$PG_CLUSTER" restart
    say "restarted with changed settings from $conf"
  elif [[ $status == online* ]]; then
    say "already running (no-op)"
  else
    priv pg_ctlcluster "$ver" "$PG_CLUSTER" start
    say "started"
  fi
  for _ in $(seq 120); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 0.5; done
  pg_isready -q -h "$PG_HOST" -p "$PG_PORT" || { say "not ready after 60 s"; tail -n 30 "/var/log/postgresql/postgresql-$ver-$PG_CLUSTER.log" >&2; exit 1; }
  provision
  say "PostgreSQL $(psql_pg -d postgres -Atc 'SHOW server_version') at $PG_HOST:$PG_PORT"
  say "log /var/log/postgresql/postgresql-$ver-$PG_CLUSTER.log"
  echo "  admin: postgresql://lotledger:lotledger@$PG_HOST:$PG_PORT/lotledger"
  local r
  for r in "${SERVICE_ROLES[@]}" "${SERVICE_ROLES[@]/%/_owner}"; do
    echo "  $r: postgresql://$r:$r@$PG_HOST:$PG_PORT/lotledger"
  done
}

status() {
  local ver state
  if ! read -r ver state < <(cluster); then say "not created"; exit 3; fi
  if [[ $state == online* ]] && pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
    say "running, PostgreSQL $(psql_pg -d postgres -Atc 'SHOW server_version') at $PG_HOST:$PG_PORT"
  else
    say "not running (cluster $ver/$PG_CLUSTER, port $PG_PORT)"
    exit 3
  fi
}

down() {
  local ver state
  if ! read -r ver state < <(cluster); then say "not created"; return; fi
  if [[ $state == online* ]]; then
    priv pg_ctlcluster "$ver" "$PG_CLUSTER" stop
    say "stopped"
  else
    say "already stopped (no-op)"
  fi
}

case "${1:-}" in
  up | status | down) "$1" ;;
  *) usage ;;
esac
