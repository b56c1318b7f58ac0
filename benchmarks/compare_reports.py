"""Write every report format for a fixed set of scans, then compare two such sets (times aside).

A refactoring that must not change behaviour runs ``generate`` before and after, then ``compare``:

    python benchmarks/generate.py 100000 /tmp/jobs-100k.jsonl
    python benchmarks/compare_reports.py generate /tmp/before --big /tmp/jobs-100k.jsonl
    ... change the code ...
    python benchmarks/compare_reports.py generate /tmp/after --big /tmp/jobs-100k.jsonl
    python benchmarks/compare_reports.py compare /tmp/before /tmp/after

Scans (each with ``--now 2025-06-30T00:00:00Z``): the examples (JSONL and CSV under the example
policy, JSONL under the custom-rules example and under no policy file, JSONL with a waiver file and
with a baseline made by ``baseline create``) and, with ``--big``, a generated file under no policy.
Each scan writes every format to stdout in turn (text, json, junit, sarif, markdown) and once more
all of them through ``-o FORMAT=PATH``; its exit code and stderr are kept beside the reports.

``compare`` masks what legitimately differs between two runs (JUnit ``time=`` and ``timestamp=``,
SARIF ``startTimeUtc``/``endTimeUtc``, the JSON report's ``elapsed``/``duration`` seconds, the
temporary paths of the run) and prints one line per file that differs, then exits 1; 0 when all
agree. The console script used is the one beside this Python (``bedrock-audit`` in the venv), or
with ``--src DIR`` that tree's ``checker.cli`` (e.g. ``git archive COMMIT | tar -x -C DIR`` to
keep a fixed "before" while the working tree changes).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FORMATS = ("text", "json", "junit", "sarif", "markdown")
NOW = "2025-06-30T00:00:00Z"
WAIVERS = """\
[[waivers]]
rule = "BA003"
job = "arn:aws:bedrock:*:*:model-invocation-job/*"
reason = "timeouts are reviewed quarterly"
owner = "platform@example.com"
expires = "2025-12-31"
"""


_SRC: Path | None = None  # --src: run this source tree's checker.cli instead of the installed one
_LAUNCH = "import sys; sys.argv[0] = 'bedrock-audit'; from checker.cli import main; sys.exit(main())"


def _command() -> list[str]:
    if _SRC is not None:
        return [sys.executable, "-c", _LAUNCH]
    here = Path(sys.executable).parent / "bedrock-audit"
    return [str(here) if here.exists() else "bedrock-audit"]


def _scenarios(work: Path, big: Path | None) -> dict[str, list[str]]:
    """Scenario name -> the scan arguments (path and options; format options are added per run)."""
    policy = str(EXAMPLES / "bedrock-audit.toml")
    waivers = work / "waivers.toml"
    waivers.write_text(WAIVERS, encoding="utf-8")
    scenarios = {
        "ex-jsonl": [str(EXAMPLES / "jobs.jsonl"), "-c", policy],
        "ex-csv": [str(EXAMPLES / "jobs.csv"), "-c", policy],
        "ex-custom": [str(EXAMPLES / "jobs.jsonl"), "-c", str(EXAMPLES / "custom-rules.toml")],
        "ex-nopolicy": [str(EXAMPLES / "jobs.jsonl")],
        "ex-waivers": [str(EXAMPLES / "jobs.jsonl"), "-c", policy, "--waivers", str(waivers)],
        "ex-baseline": [str(EXAMPLES / "jobs.jsonl"), "-c", policy, "--baseline", str(work / "baseline.json")],
    }
    if big is not None:
        scenarios["big"] = [str(big)]
    return scenarios


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEDROCK_AUDIT_")}
    env["BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["NO_COLOR"] = "1"
    env["COLUMNS"] = "120"
    if _SRC is not None:
        env["PYTHONPATH"] = str(_SRC)
    return subprocess.run([*_command(), *args], cwd=cwd, env=env, capture_output=True, check=False)


def generate(out: Path, big: Path | None) -> None:
    """Write the reports of every scenario under ``out`` (created; must not exist or be empty)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="compare-reports-") as tmp:
        work = Path(tmp)  # the working directory: no policy file above it
        scenarios = _scenarios(work, big)
        made = _run(["baseline", "create", str(EXAMPLES / "jobs.jsonl"), "-c", str(EXAMPLES / "bedrock-audit.toml"),
                     "--now", NOW, "-o", str(work / "baseline.json")], work)
        (out / "baseline-create.rc").write_text(f"{made.returncode}\n", encoding="utf-8")
        (out / "baseline-create.stderr").write_bytes(made.stderr)
        shutil.copy(work / "baseline.json", out / "baseline.json")
        for name, args in scenarios.items():
            for fmt in FORMATS:
                done = _run(["scan", *args, "--now", NOW, "-f", fmt], work)
                (out / f"{name}.stdout.{fmt}").write_bytes(done.stdout)
                (out / f"{name}.stdout.{fmt}.stderr").write_bytes(done.stderr)
                (out / f"{name}.stdout.{fmt}.rc").write_text(f"{done.returncode}\n", encoding="utf-8")
            outputs = [opt for fmt in FORMATS for opt in ("-o", f"{fmt}={work / f'{name}.file.{fmt}'}")]
            done = _run(["scan", *args, "--now", NOW, "-f", "text", *outputs], work)
            (out / f"{name}.files.rc").write_text(f"{done.returncode}\n", encoding="utf-8")
            (out / f"{name}.files.stderr").write_bytes(done.stderr)
            for fmt in FORMATS:
                written = work / f"{name}.file.{fmt}"
                if written.exists():
                    shutil.move(written, out / f"{name}.file.{fmt}")
            print(f"{name}: done", file=sys.stderr)


_MASKS = [
    (re.compile(rb'\btime="[0-9.eE+-]+"'), b'time="T"'),
    (re.compile(rb'\btimestamp="[^"]*"'), b'timestamp="T"'),
    (re.compile(rb'"(startTimeUtc|endTimeUtc)": ?"[^"]*"'), rb'"\1": "T"'),
    (re.compile(rb'"(elapsed|elapsed_seconds|duration|duration_seconds)": ?[0-9.eE+-]+'), rb'"\1": 0'),
    (re.compile(rb"\b[0-9]+(\.[0-9]+)? ?(s|ms|seconds)\b"), b"N s"),
    (re.compile(rb"/tmp/compare-reports-[A-Za-z0-9_]+"), b"/TMP"),
]


def _masked(data: bytes) -> bytes:
    for pattern, replacement in _MASKS:
        data = pattern.sub(replacement, data)
    return data


def compare(before: Path, after: Path) -> int:
    """Print one line per file that differs (masked as above) and a short diff; 1 if any, else 0."""
    names = sorted({p.name for p in before.iterdir()} | {p.name for p in after.iterdir()})
    differ = 0
    for name in names:
        a, b = before / name, after / name
        if not a.exists() or not b.exists():
            print(f"only in {'after' if not a.exists() else 'before'}: {name}")
            differ += 1
            continue
        left, right = _masked(a.read_bytes()), _masked(b.read_bytes())
        if left != right:
            differ += 1
            print(f"differs: {name}")
            diff = difflib.unified_diff(left.decode(errors="replace").splitlines()[:20000],
                                        right.decode(errors="replace").splitlines()[:20000], lineterm="", n=1)
            for line in list(diff)[:12]:
                print("    " + line[:200])
    print(f"{len(names)} files compared, {differ} differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write every report of every scenario into OUT")
    gen.add_argument("out", type=Path)
    gen.add_argument("--big", type=Path, help="a generated JSONL file (benchmarks/generate.py) to scan as well")
    gen.add_argument("--src", type=Path, help="a source tree whose checker/ to run (default: the installed one)")
    cmp_ = sub.add_parser("compare", help="compare two folders written by generate (times masked)")
    cmp_.add_argument("before", type=Path)
    cmp_.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "generate":
        global _SRC
        _SRC = args.src.resolve() if args.src else None
        generate(args.out, args.big)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    raise SystemExit(main())
