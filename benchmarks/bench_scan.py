"""Scan throughput, memory and start-up benchmark (issue 3). Prints numbers; asserts nothing.

Run with the dev install (``pip install -e '.[dev]'``), on a quiet machine:

    python benchmarks/bench_scan.py --records 1000000
    python benchmarks/bench_scan.py --records 100000 --repeat 3 --jobs 1 2

In one invocation it generates N realistic records (benchmarks/generate.py: mostly compliant, a share of
each violation, ~1% schema-invalid) and measures:

  (a) parse-only: read the JSONL and parse every line with the JSON library the scanner uses (orjson);
  (b) ``bedrock-audit scan`` with the schema and all default rules, JSON report to /dev/null;
  (c) the same with the JUnit and with the SARIF report (when that format is registered);
  (d) a naive baseline: ``jsonschema.validate(record, schema)`` per record, on a sample;
  (e) start-up: ``bedrock-audit --version`` and a scan of a 10-record file against ``python -c pass``.

For every scan it prints records/s, the ratio to (a) and the peak RSS of the scan process. Medians of
``--repeat`` runs. Byte-code caches are written first (``compileall``), as a pip install does, so
start-up is not charged for compiling.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).parent / "bedrock-audit")
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE" and not k.startswith("BEDROCK_AUDIT")}


def timed_child(command: list[str]) -> tuple[float, int, int]:
    """Run ``command`` under a small wrapper; return (wall seconds, peak RSS in KiB, exit code)."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "start = time.perf_counter()\n"
               "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
               "wall = time.perf_counter() - start\n"
               "print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)\n")
    out = subprocess.run([PYTHON, "-c", wrapper, *command], capture_output=True, text=True, env=ENV, check=True)
    wall, rss, code = out.stdout.split()
    return float(wall), int(rss), int(code)


def parse_only(path: Path) -> float:
    """Seconds to read and parse every line with orjson, in a fresh process (as the scanner would)."""
    code = ("import orjson, sys, time\nstart = time.perf_counter()\nloads = orjson.loads\n"
            "with open(sys.argv[1], 'rb') as f:\n    for line in f:\n        loads(line)\n"
            "print(time.perf_counter() - start)\n")
    return float(subprocess.run([PYTHON, "-c", code, str(path)], capture_output=True, text=True, env=ENV,
                                check=True).stdout)


def naive_rates(path: Path, sample: int) -> tuple[float, float]:
    """Records/s of python-jsonschema on ``sample`` lines: ``jsonschema.validate`` per record (the obvious
    implementation: it re-checks the schema on every call), and a validator compiled once."""
    code = ("import itertools, json, sys, time, jsonschema\n"
            "from checker.schema import load_schema, TABLE_SCHEMA\n"
            "schema = load_schema(TABLE_SCHEMA)\n"
            "checker = jsonschema.Draft202012Validator.FORMAT_CHECKER\n"
            "rows = [json.loads(l) for l in itertools.islice(open(sys.argv[1]), int(sys.argv[2]))]\n"
            "start = time.perf_counter()\n"
            "for row in rows:\n"
            "    try:\n"
            "        jsonschema.validate(row, schema, format_checker=checker)\n"
            "    except jsonschema.ValidationError:\n"
            "        pass\n"
            "naive = len(rows) / (time.perf_counter() - start)\n"
            "validator = jsonschema.Draft202012Validator(schema, format_checker=checker)\n"
            "start = time.perf_counter()\n"
            "for row in rows:\n"
            "    validator.is_valid(row)\n"
            "print(naive, len(rows) / (time.perf_counter() - start))\n")
    out = subprocess.run([PYTHON, "-c", code, str(path), str(sample)], capture_output=True, text=True,
                         env=ENV, check=True).stdout.split()
    return float(out[0]), float(out[1])


def formats() -> list[str]:
    out = subprocess.run([SCRIPT, "scan", "--help"], capture_output=True, text=True, env=ENV, check=False).stdout
    found = ["json", "junit"]
    if "sarif" in out:
        found.append("sarif")
    return found


def startup(repeat: int, tiny: Path) -> list[tuple[str, float]]:
    """Median wall seconds of python -c pass, --version and a 10-record scan."""
    rows = []
    for label, command in (("python -c pass", [PYTHON, "-c", "pass"]),
                           ("bedrock-audit --version", [SCRIPT, "--version"]),
                           ("bedrock-audit scan (10 records, json)", [SCRIPT, "scan", str(tiny), "-f", "json"]),
                           ("bedrock-audit scan (10 records, text)", [SCRIPT, "scan", str(tiny)])):
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, check=False)
            times.append(time.perf_counter() - start)
        rows.append((label, statistics.median(times)))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement (median reported)")
    parser.add_argument("--jobs", type=int, nargs="*", default=None,
                        help="also scan with --jobs N for each N (if the scanner offers --jobs)")
    parser.add_argument("--sample", type=int, default=5000, help="records for the naive jsonschema baseline")
    parser.add_argument("--startup-runs", type=int, default=21)
    parser.add_argument("--keep", type=Path, help="generate into / reuse this file")
    args = parser.parse_args()

    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "checker"), str(ROOT / "rules")],
                   env=ENV, check=False, stdout=subprocess.DEVNULL)
    workdir = Path(tempfile.mkdtemp(prefix="bedrock-audit-bench-"))
    data = args.keep or workdir / f"jobs-{args.records}.jsonl"
    if not data.exists():
        print(f"generating {args.records:,} records into {data} ...", file=sys.stderr)
        subprocess.run([PYTHON, str(HERE / "generate.py"), str(args.records), str(data)], check=True, env=ENV)
    size = data.stat().st_size
    print(f"input: {args.records:,} records, {size / args.records:.0f} bytes/record, {size / 2**20:.0f} MiB")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")

    parse = statistics.median(parse_only(data) for _ in range(args.repeat))
    parse_rate = args.records / parse
    print(f"\n{'measurement':44} {'records/s':>12} {'ratio to (a)':>12} {'peak RSS':>10}")
    print(f"{'(a) parse only (orjson)':44} {parse_rate:12,.0f} {1.0:12.2f} {'':>10}")

    runs: list[tuple[str, list[str]]] = []
    for fmt in formats():
        runs.append((f"({'b' if fmt == 'json' else 'c'}) scan -f {fmt} > /dev/null", ["-f", fmt]))
    for jobs in args.jobs or []:
        runs.append((f"(b) scan -f json --jobs {jobs}", ["-f", "json", "--jobs", str(jobs)]))
    results = {}
    for label, extra in runs:
        measured = [timed_child([SCRIPT, "scan", str(data), *extra]) for _ in range(args.repeat)]
        wall = statistics.median(m[0] for m in measured)
        rss = max(m[1] for m in measured)
        codes = {m[2] for m in measured}
        rate = args.records / wall
        results[label] = (rate, rss)
        print(f"{label:44} {rate:12,.0f} {rate / parse_rate:12.2f} {rss / 1024:8.0f} MB"
              + (f"  exit {sorted(codes)}" if codes - {0, 1, 3} else ""))

    naive, compiled = naive_rates(data, args.sample)
    print(f"{'(d) naive jsonschema.validate per record':44} {naive:12,.0f} {naive / parse_rate:12.3f} "
          f"{'(sample ' + str(args.sample) + ')':>10}")
    print(f"{'(d) python-jsonschema, validator built once':44} {compiled:12,.0f} {compiled / parse_rate:12.3f}")

    tiny = workdir / "ten.jsonl"
    with data.open() as source, tiny.open("w") as handle:
        kept = 0
        for line in source:
            row = json.loads(line)
            if row.get("status") in ("Completed", "InProgress") and isinstance(row.get("tags"), dict) \
                    and row.get("tags", {}).get("owner"):
                handle.write(line)
                kept += 1
                if kept == 10:
                    break
    print(f"\nstart-up (median of {args.startup_runs} runs):")
    base = None
    for label, seconds in startup(args.startup_runs, tiny):
        base = seconds if base is None else base
        extra = "" if seconds == base else f"  (+{(seconds - base) * 1000:.0f} ms over python -c pass)"
        print(f"  {label:40} {seconds * 1000:7.0f} ms{extra}")
    print(f"\nCPU time of this process's children so far: "
          f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime:.1f} s user")


if __name__ == "__main__":
    main()
