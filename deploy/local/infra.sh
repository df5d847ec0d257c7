#!/usr/bin/env bash
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
case "${1:-}" in
  up | status) order=(postgres kafka) ;;
  down) order=(kafka postgres) ;;
  *) echo "usage: $0 up|status|down   (local Postgres + Kafka; see postgres.sh, kafka.sh)" >&2; exit 2 ;;
esac

rc=0
for s in "${order[@]}"; do
  bash "$here/$s.sh" "$1" || { rc=$?; [[ $1 == up ]] && exit "$rc"; }
done
exit "$rc"
