"""deploy/k8s/lint.py, the manifests' static check: the shipped manifests pass it, and it
fails a manifest that names a key twice or runs a pod as root."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from lotledger.shared.modules import from_file

K8S = Path(__file__).resolve().parents[3] / "deploy" / "k8s"


def _lint() -> ModuleType:
    return from_file(K8S / "lint.py", "k8s_lint")


lint = _lint()


def test_the_shipped_manifests_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert lint.main([]) == 0, capsys.readouterr().err


def _manifests_with(tmp_path: Path, old: str, new: str) -> list[str]:
    """Every shipped manifest copied to `tmp_path`, console.yaml's first `old` made `new`."""
    paths = []
    for source in sorted(K8S.glob("*.yaml")):
        if source.name == "kustomization.yaml":
            continue
        text = source.read_text()
        if source.name == "console.yaml":
            assert old in text
            text = text.replace(old, new, 1)
        (tmp_path / source.name).write_text(text)
        paths.append(str(tmp_path / source.name))
    return paths


def test_a_key_named_twice_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    label = "    app.kubernetes.io/name: console\n"
    paths = _manifests_with(tmp_path, label, label + "    app.kubernetes.io/name: other\n")
    assert lint.main(paths) == 1
    assert "duplicate key 'app.kubernetes.io/name'" in capsys.readouterr().err


def test_a_pod_running_as_root_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = _manifests_with(tmp_path, "runAsNonRoot: true", "runAsNonRoot: false")
    assert lint.main(paths) == 1
    err = capsys.readouterr().err
    assert "console" in err
    assert "runAsNonRoot is not true" in err
