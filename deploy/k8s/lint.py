"""Static checks of the Kubernetes manifests that need no cluster.

    python deploy/k8s/lint.py [rendered.yaml]   (needs PyYAML; deploy/check.sh runs it)

Without an argument it reads every *.yaml in this folder except kustomization.yaml; with one
it reads that file (e.g. the output of `kubectl kustomize deploy/k8s`). It refuses a mapping
that names a key twice (YAML parsers keep one of them silently), and checks that each
document has apiVersion, kind and metadata.name; that every pod runs non-root with a read-only
root filesystem, no privilege escalation, all capabilities dropped, a writable /tmp and
resource requests and limits; that the APIs have readiness (/readyz) and liveness (/healthz)
probes; that Services and PodDisruptionBudgets select the pods of some workload; that every
ConfigMap and Secret a pod reads is defined here; that only migrations and rebuilds read a
schema owner's Secret (`*-db-owner`): the pods that serve and work own nothing in the database;
that only the checkpointer mounts the checkpoint signing key; and that the console reads no
database Secret and not the token-signing key (it acts only with each user's own token).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
WORKLOADS = {"Deployment", "Job", "CronJob"}
CONTAINER_TMP = "/tmp"  # noqa: S108 (a path inside the containers, not a temporary file here)
OWNER_REF_SUFFIX = "-db-owner"
OWNER_COMPONENTS = {"migrate", "rebuild"}
SIGNING_KEY_SECRET = "inventory-checkpoint-key"  # noqa: S105 (the Secret object's name)
SIGNING_COMPONENTS = {"checkpointer"}
POWERLESS = {"console"}
"""Workloads that may read no database Secret (`*-db`, `*-db-owner`) and no signing key."""
SIGNING_SECRETS = {"lotledger-auth"}


class UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys: a second `env` entry list or probe under
    one key would otherwise replace the first without a word."""


def _unique_mapping(loader: UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping",
                node.start_mark,
                f"found duplicate key {key!r}",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node)


UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load(paths: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in paths:
        for doc in yaml.load_all(path.read_text(), Loader=UniqueKeyLoader):
            if doc is not None:
                docs.append((path.name, doc))
    return docs


def pod_spec(doc: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(pod template metadata, pod spec) of a workload."""
    spec = doc["spec"]
    if doc["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    template = spec["template"]
    return template.get("metadata", {}), template["spec"]


def check(docs: list[tuple[str, dict[str, Any]]]) -> list[str]:
    errors: list[str] = []
    defined = {(d["kind"], d.get("metadata", {}).get("name")) for _, d in docs}
    pod_labels: list[dict[str, str]] = []

    for source, doc in docs:
        name = doc.get("metadata", {}).get("name")
        where = f"{source}: {doc.get('kind')}/{name}"
        for field in ("apiVersion", "kind"):
            if not doc.get(field):
                errors.append(f"{where}: missing {field}")
        if not name:
            errors.append(f"{where}: missing metadata.name")
        if doc.get("kind") not in WORKLOADS:
            continue

        meta, spec = pod_spec(doc)
        pod_labels.append(meta.get("labels", {}))
        if doc["kind"] == "Deployment":
            selector = doc["spec"]["selector"]["matchLabels"]
            if any(meta.get("labels", {}).get(k) != v for k, v in selector.items()):
                errors.append(f"{where}: selector does not match the pod template labels")
        psc = spec.get("securityContext", {})
        if psc.get("runAsNonRoot") is not True:
            errors.append(f"{where}: pod securityContext.runAsNonRoot is not true")
        if spec.get("automountServiceAccountToken") is not False:
            errors.append(f"{where}: service account token is mounted")
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for c in spec["containers"]:
            cw = f"{where} container {c['name']}"
            sc = c.get("securityContext", {})
            if sc.get("readOnlyRootFilesystem") is not True:
                errors.append(f"{cw}: root filesystem is writable")
            if sc.get("allowPrivilegeEscalation") is not False:
                errors.append(f"{cw}: allowPrivilegeEscalation is not false")
            if "ALL" not in sc.get("capabilities", {}).get("drop", []):
                errors.append(f"{cw}: capabilities are not all dropped")
            mounts = {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
            if "emptyDir" not in volumes.get(mounts.get(CONTAINER_TMP, ""), {}):
                errors.append(f"{cw}: /tmp is not an emptyDir")
            resources = c.get("resources", {})
            for kind in ("requests", "limits"):
                for res in ("cpu", "memory"):
                    if res not in resources.get(kind, {}):
                        errors.append(f"{cw}: no {kind}.{res}")
            component = meta.get("labels", {}).get("app.kubernetes.io/component")
            for source_ref in c.get("envFrom", []):
                for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                    if key in source_ref and (kind, source_ref[key]["name"]) not in defined:
                        errors.append(f"{cw}: {kind} {source_ref[key]['name']} is not defined")
                secret = source_ref.get("secretRef", {}).get("name", "")
                if secret.endswith(OWNER_REF_SUFFIX) and component not in OWNER_COMPONENTS:
                    errors.append(f"{cw}: a {component} pod reads the owner Secret {secret}")
                app = meta.get("labels", {}).get("app.kubernetes.io/name")
                if app in POWERLESS and (
                    secret.endswith(("-db", OWNER_REF_SUFFIX)) or secret in SIGNING_SECRETS
                ):
                    errors.append(f"{cw}: the {app} reads {secret}; it must hold no power")
            signing = {
                v["name"]
                for v in spec.get("volumes", [])
                if v.get("secret", {}).get("secretName") == SIGNING_KEY_SECRET
            }
            reads_key = any(m["name"] in signing for m in c.get("volumeMounts", [])) or any(
                r.get("secretRef", {}).get("name") == SIGNING_KEY_SECRET
                for r in c.get("envFrom", [])
            )
            if reads_key and component not in SIGNING_COMPONENTS:
                errors.append(f"{cw}: a {component} pod reads the checkpoint signing key")
            if meta.get("labels", {}).get("app.kubernetes.io/component") == "api":
                ready = c.get("readinessProbe", {}).get("httpGet", {}).get("path")
                live = c.get("livenessProbe", {}).get("httpGet", {}).get("path")
                if ready != "/readyz":
                    errors.append(f"{cw}: readiness probe is not /readyz")
                if live != "/healthz":
                    errors.append(f"{cw}: liveness probe is not /healthz")

    for source, doc in docs:
        doc_kind = doc.get("kind")
        if doc_kind not in ("Service", "PodDisruptionBudget"):
            continue
        selector = doc["spec"]["selector"]
        if doc_kind == "PodDisruptionBudget":
            selector = selector.get("matchLabels", {})
        if not any(all(labels.get(k) == v for k, v in selector.items()) for labels in pod_labels):
            errors.append(f"{source}: {doc_kind}/{doc['metadata']['name']} selects no pods")
    return errors


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(
        p for p in HERE.glob("*.yaml") if p.name != "kustomization.yaml"
    )
    try:
        docs = load(paths)
    except yaml.YAMLError as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        return 1
    errors = check(docs)
    for error in errors:
        print(f"FAIL {error}", file=sys.stderr)
    kinds: dict[str, int] = {}
    for _, d in docs:
        kinds[d.get("kind", "?")] = kinds.get(d.get("kind", "?"), 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    print(f"{len(docs)} manifests ({summary}): {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
