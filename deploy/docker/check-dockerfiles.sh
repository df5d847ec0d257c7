#!/usr/bin/env bash
# The three service Dockerfiles are one file apart from the service name and port.
# services/inventory/Dockerfile is the template: this script renders the other two from it
# and fails when they differ; with --write it rewrites them. Run it after editing the template.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
template="$root/services/inventory/Dockerfile"

render() { # name port
  sed -e "s#lotledger-inventory#lotledger-$1#g" \
    -e "s#lotledger/inventory#lotledger/$1#g" \
    -e "s#lotledger inventory service#lotledger $1 service#g" \
    -e "s#services/inventory/Dockerfile#services/$1/Dockerfile#g" \
    -e "s#^COPY services/inventory/ services/inventory/\$#COPY services/$1/ services/$1/#" \
    -e "s#8001#$2#g" "$template"
}

rc=0
for pair in traceability:8002 alerts:8003; do
  name=${pair%%:*} port=${pair#*:}
  target="$root/services/$name/Dockerfile"
  if [[ ${1:-} == --write ]]; then
    render "$name" "$port" >"$target"
    echo "wrote services/$name/Dockerfile"
  elif ! diff -u "$target" <(render "$name" "$port"); then
    echo "services/$name/Dockerfile drifted from the template (run $0 --write)" >&2
    rc=1
  fi
done
((rc == 0)) && [[ ${1:-} != --write ]] && echo "Dockerfiles consistent (inventory template, traceability, alerts)"
exit "$rc"
