#!/usr/bin/env bash
# The service Dockerfiles are one file apart from the service name and port; the console's
# also builds its front-end files in a Node stage (npm ci from the committed lock).
# services/inventory/Dockerfile is the template: this script renders the others from it
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

# The console: no schema and no workers, and a frontend stage whose files the builder copies in.
render_console() {
  render console 8004 | awk '
    { print }
    /^ARG UV_IMAGE=/ { print "ARG NODE_IMAGE=node:20-bookworm-slim" }
    /^FROM \$\{UV_IMAGE\} AS uv$/ {
      print ""
      print "# ---------------------------------------------------------------- frontend"
      print "# The pinned chart library (package-lock.json), copied into static/vendor/ by npm run vendor."
      print "FROM ${NODE_IMAGE} AS frontend"
      print "WORKDIR /build/frontend"
      print "COPY services/console/frontend/package.json services/console/frontend/package-lock.json ./"
      print "COPY services/console/frontend/scripts/ scripts/"
      print "RUN npm ci --omit=dev --no-audit --no-fund && npm run vendor"
    }
    /^COPY services\/console\/ services\/console\/$/ {
      print "COPY --from=frontend /build/src/lotledger/console/static/vendor/ services/console/src/lotledger/console/static/vendor/"
    }' | sed -e 's#runs the API$#serves the#' \
    -e 's#^\# (`serve`, the default command), `migrate` and the service.s workers (deploy/README.md lists$#\# console'"'"'s pages (`serve`, the default command; it has no schema and no workers)#' \
    -e 's#^\# them); the shared#\# and the shared#' \
    -e 's#lotledger console service (API, migrations, workers)#lotledger console (server-rendered screens over the APIs)#'
}

rc=0
for pair in traceability:8002 alerts:8003 console:8004; do
  name=${pair%%:*} port=${pair#*:}
  target="$root/services/$name/Dockerfile"
  renderer=(render "$name" "$port")
  [[ $name == console ]] && renderer=(render_console)
  if [[ ${1:-} == --write ]]; then
    "${renderer[@]}" >"$target"
    echo "wrote services/$name/Dockerfile"
  elif ! diff -u "$target" <("${renderer[@]}"); then
    echo "services/$name/Dockerfile drifted from the template (run $0 --write)" >&2
    rc=1
  fi
done
((rc == 0)) && [[ ${1:-} != --write ]] && echo "Dockerfiles consistent (inventory template, traceability, alerts, console)"
exit "$rc"
