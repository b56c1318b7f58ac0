"""Shared fixtures: the command line run in-process (``cli``) or as the installed console script
(``script``, for the smoke tests), sample records, and helpers to write inputs."""

from __future__ import annotations

import contextlib
import copy
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

# Property tests are deterministic by default, so a CI gate never fails on a case no earlier run met;
# HYPOTHESIS_PROFILE=explore draws fresh random cases on every run, to look for new differences.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

PROPERTY_BUDGET = 500
"""Examples a property test may draw and still run by default; past it the test is marked ``slow``."""

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


def _environment(env: Mapping[str, str] | None) -> dict[str, str]:
    """The environment a test run sees: the tests' own, without BEDROCK_AUDIT_* settings, no colour, a
    wide terminal, and ``env`` on top."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("BEDROCK_AUDIT_")}
    environment.update({"NO_COLOR": "1", "COLUMNS": "200"})
    environment.update(env or {})
    return environment


class Script:
    """Runs the installed console script in a subprocess, the way CI runs it (smoke tests only)."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def __call__(self, *args: str, input: str | bytes | None = None, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        data = input.encode() if isinstance(input, str) else input
        completed = subprocess.run([console_script(), *args], input=data, capture_output=True,
                                   cwd=cwd or self.cwd, env=_environment(env), timeout=120, check=False)
        return subprocess.CompletedProcess(completed.args, completed.returncode,
                                           completed.stdout.decode("utf-8", "replace"),
                                           completed.stderr.decode("utf-8", "replace"))


@contextlib.contextmanager
def _process_state(environment: Mapping[str, str], cwd: Path) -> Iterator[None]:
    """Run with ``environment`` as ``os.environ`` and ``cwd`` as the working directory; ``PYTHONPATH``
    entries join ``sys.path`` (plugins of :func:`fake_plugin_dir`), and modules imported from them are
    forgotten afterwards, so the next test may write a plugin of the same name."""
    saved_env, saved_path = dict(os.environ), list(sys.path)
    extra = [p for p in environment.get("PYTHONPATH", "").split(os.pathsep) if p and p not in sys.path]
    os.environ.clear()
    os.environ.update(environment)
    sys.path[:0] = extra
    importlib.invalidate_caches()
    try:
        with contextlib.chdir(cwd):
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:] = saved_path
        for name, module in list(sys.modules.items()):
            where = getattr(module, "__file__", None) or ""
            if any(where.startswith(root + os.sep) for root in extra):
                del sys.modules[name]
        importlib.invalidate_caches()


class Cli:
    """Runs ``bedrock-audit`` in this process (``checker.cli.app`` with its own stdin, stdout, stderr,
    environment and working directory) and returns what a subprocess would: exit code, stdout, stderr."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd

    def __call__(self, *args: str, input: str | bytes | None = None, env: Mapping[str, str] | None = None,
                 cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        from checker.cli import app

        data = input.encode() if isinstance(input, str) else (input or b"")
        stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(data)), encoding="utf-8")
        out, err = io.BytesIO(), io.BytesIO()
        stdout = io.TextIOWrapper(out, encoding="utf-8", errors="replace", newline="\n", write_through=True)
        stderr = io.TextIOWrapper(err, encoding="utf-8", errors="backslashreplace", newline="\n",
                                  write_through=True)
        code: int | str | None = 0
        streams = (sys.stdin, sys.stdout, sys.stderr)
        sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
        try:
            with _process_state(_environment(env), cwd or self.cwd):
                app(args=list(args), prog_name="bedrock-audit")
        except SystemExit as exc:
            code = exc.code
        finally:
            sys.stdin, sys.stdout, sys.stderr = streams
        stdout.flush()
        stderr.flush()
        returncode = code if isinstance(code, int) else (0 if code is None else 1)
        return subprocess.CompletedProcess(["bedrock-audit", *args], returncode,
                                           out.getvalue().decode("utf-8", "replace"),
                                           err.getvalue().decode("utf-8", "replace"))


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """Run ``bedrock-audit`` in-process with the working directory ``tmp_path`` (no policy file above it)."""
    return Cli(tmp_path)


@pytest.fixture
def script(tmp_path: Path) -> Script:
    """Run the installed ``bedrock-audit`` script in a subprocess, working directory ``tmp_path``."""
    return Script(tmp_path)


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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``smoke`` every test that starts the console script through the ``script`` fixture, and
    ``slow`` every property test drawing more than :data:`PROPERTY_BUDGET` examples."""
    for item in items:
        if "script" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.smoke)
        function = getattr(item, "obj", None)
        drawn = getattr(getattr(function, "_hypothesis_internal_use_settings", None), "max_examples", 0)
        if getattr(function, "is_hypothesis_test", False) and drawn > PROPERTY_BUDGET:
            item.add_marker(pytest.mark.slow)
