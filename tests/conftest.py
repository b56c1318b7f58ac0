"""Shared fixtures: the installed console script, sample records, and helpers to write inputs."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests are deterministic by default, so a CI gate never fails on a case no earlier run met;
# HYPOTHESIS_PROFILE=explore draws fresh random cases on every run, to look for new differences.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
VENDOR = DATA / "vendor"


def console_script() -> str:
    """The ``bedrock-audit`` script installed next to the interpreter running the tests."""
    candidate = Path(sys.executable).parent / "bedrock-audit"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("bedrock-audit")
    if found is None:
        pytest.fail("bedrock-audit console script not installed: pip install -e '.[test]'")
    return found


def sample_rows() -> list[dict[str, Any]]:
    """The three table-shape sample rows (row 1 compliant), fresh copies."""
    return copy.deepcopy(json.loads((DATA / "sample-ddsql-rows.json").read_text()))


def sample_api_job() -> dict[str, Any]:
    """A GetModelInvocationJob body (API shape), fresh copy."""
    return copy.deepcopy(json.loads((DATA / "sample-get-model-invocation-job.json").read_text()))


def compliant_row(job_id: str = "x7k2m9q4p1ab", **overrides: Any) -> dict[str, Any]:
    """Sample row 1 with its own 12-character job id and ``overrides`` applied."""
    row = sample_rows()[0]
    row["job_arn"] = f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{job_id}"
    row.update(overrides)
    return row


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any] | str]) -> Path:
    """Write rows (dicts, or raw line text) as JSONL."""
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write((row if isinstance(row, str) else json.dumps(row)) + "\n")
    return path


class Cli:
    """Runs the installed console script in a subprocess (the way CI runs it)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def __call__(self, *args: str, input: str | bytes | None = None, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("BEDROCK_AUDIT_")}
        environment.update({"NO_COLOR": "1", "COLUMNS": "200"})
        environment.update(env or {})
        data = input.encode() if isinstance(input, str) else input
        completed = subprocess.run([console_script(), *args], input=data, capture_output=True,
                                   cwd=cwd or self.cwd, env=environment, timeout=120, check=False)
        return subprocess.CompletedProcess(completed.args, completed.returncode,
                                           completed.stdout.decode("utf-8", "replace"),
                                           completed.stderr.decode("utf-8", "replace"))


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """Run ``bedrock-audit`` with the working directory ``tmp_path`` (no policy file above it)."""
    return Cli(tmp_path)


@pytest.fixture
def jsonl(tmp_path: Path) -> Callable[..., Path]:
    """``jsonl(rows, name="jobs.jsonl")`` writes a JSONL file in ``tmp_path`` and returns its path."""
    def write(rows: Iterable[Mapping[str, Any] | str], name: str = "jobs.jsonl") -> Path:
        return write_jsonl(tmp_path / name, rows)

    return write


def fake_plugin_dir(root: Path, name: str, source: str, version: str = "1.0") -> dict[str, str]:
    """Make ``root`` hold an importable plugin module ``name`` and a ``<dist>.dist-info`` with a
    ``bedrock_audit`` entry point for it (importlib.metadata finds dist-info on any sys.path entry).
    Returns the environment (``PYTHONPATH``) that makes the console script see it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / f"{name}.py").write_text(source)
    dist = root / f"{name.replace('_', '-')}-{version}.dist-info"
    dist.mkdir(exist_ok=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name.replace('_', '-')}\nVersion: {version}\n")
    (dist / "entry_points.txt").write_text(f"[bedrock_audit]\n{name.replace('_', '-')} = {name}\n")
    existing = os.environ.get("PYTHONPATH")
    return {"PYTHONPATH": str(root) + (os.pathsep + existing if existing else "")}
