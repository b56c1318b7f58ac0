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
  (e) start-up: ``bedrock-audit --version`` (also with plugin autoload on) and a scan of a 10-record file
      against ``python -c pass``.

For every scan it prints records/s, the ratio to (a), the CPU time (user + system) and peak RSS of the
scan process and its exit code. "CPU ratio" is parse-only CPU over the scan's CPU (user + system): on a
shared, loaded machine it is the ratio to compare (wall-clock ratios then measure the neighbours).
Medians of ``--repeat`` runs (peak RSS: the largest). Byte-code caches
are written first (``compileall``), as a pip install does, so start-up is not charged for compiling.
Scans run in the work folder (no policy file is found there) with third-party plugins off, so what is
measured is the built-in rules that are on by default. The machine's load average is printed before and
after: on a shared machine, compare CPU times rather than wall times.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
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
ENV["BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # built-in rules only, whatever else is installed


def timed_child(command: list[str], cwd: Path) -> tuple[float, float, int, int]:
    """Run ``command`` in ``cwd`` under a small wrapper, stdout to /dev/null; return (wall seconds, CPU
    seconds user + system, peak RSS in KiB, exit code) of that one process."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "start = time.perf_counter()\n"
               "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
               "wall = time.perf_counter() - start\n"
               "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code)\n")
    out = subprocess.run([PYTHON, "-c", wrapper, *command], capture_output=True, text=True, env=ENV, check=True,
                         cwd=cwd)
    wall, cpu, rss, code = out.stdout.split()
    return float(wall), float(cpu), int(rss), int(code)


def parse_only(path: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) to read and parse every line with orjson, in a fresh process (as the
    scanner would)."""
    code = ("import orjson, sys, time\nstart = time.perf_counter()\ncpu = time.process_time()\n"
            "loads = orjson.loads\n"
            "with open(sys.argv[1], 'rb') as f:\n    for line in f:\n        loads(line)\n"
            "print(time.perf_counter() - start, time.process_time() - cpu)\n")
    wall, cpu = subprocess.run([PYTHON, "-c", code, str(path)], capture_output=True, text=True, env=ENV,
                               check=True).stdout.split()
    return float(wall), float(cpu)


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


def startup(repeat: int, tiny: Path) -> list[tuple[str, float, set[int]]]:
    """Median wall seconds (and the exit codes seen) of python -c pass, --version (third-party plugins off,
    and with plugin autoload on: --version then loads every plugin to mark one that fails) and a
    10-record scan."""
    rows = []
    autoload = {k: v for k, v in ENV.items() if k != "BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD"}
    for label, command, env in (("python -c pass", [PYTHON, "-c", "pass"], ENV),
                                ("bedrock-audit --version", [SCRIPT, "--version"], ENV),
                                ("bedrock-audit --version (plugins loaded)", [SCRIPT, "--version"], autoload),
                                ("bedrock-audit scan (10 records, json)", [SCRIPT, "scan", str(tiny), "-f", "json"],
                                 ENV),
                                ("bedrock-audit scan (10 records, text)", [SCRIPT, "scan", str(tiny)], ENV)):
        times, codes = [], set()
        for _ in range(repeat):
            start = time.perf_counter()
            codes.add(subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                     check=False, cwd=tiny.parent).returncode)
            times.append(time.perf_counter() - start)
        rows.append((label, statistics.median(times), codes))
    return rows


def load() -> str:
    """The 1, 5 and 15 minute load averages, e.g. ``0.52 0.61 0.70``."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bedrock-audit-bench-"))
    try:
        run(workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)  # the generated input (1.3 GB at a million); --keep's stays


def run(workdir: Path) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    parser.add_argument("--jobs", type=int, nargs="*", default=None,
                        help="also scan with --jobs N for each N (if the scanner offers --jobs)")
    parser.add_argument("--sample", type=int, default=5000, help="records for the naive jsonschema baseline")
    parser.add_argument("--startup-runs", type=int, default=21)
    parser.add_argument("--keep", type=Path, help="generate into / reuse this file")
    parser.add_argument("--dirty", type=float, default=0.0, metavar="SHARE",
                        help="generate with a further SHARE of schema-invalid records (generate.py --dirty)")
    parser.add_argument("--formats", nargs="*", help="report formats to scan with (default: json, junit, sarif)")
    args = parser.parse_args()

    subprocess.run([PYTHON, "-m", "compileall", "-q", str(ROOT / "checker"), str(ROOT / "rules")],
                   env=ENV, check=False, stdout=subprocess.DEVNULL)
    data = args.keep or workdir / f"jobs-{args.records}.jsonl"
    if not data.exists():
        print(f"generating {args.records:,} records into {data} ...", file=sys.stderr)
        subprocess.run([PYTHON, str(HERE / "generate.py"), str(args.records), str(data),
                        *(["--dirty", str(args.dirty)] if args.dirty else [])], check=True, env=ENV)
    size = data.stat().st_size
    print(f"input: {args.records:,} records, {size / args.records:.0f} bytes/record, {size / 2**20:.0f} MiB")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {load()} (1, 5, 15 min); "
          f"{'median of ' + str(args.repeat) + ' runs' if args.repeat > 1 else 'single runs'}")

    parsed = [parse_only(data) for _ in range(args.repeat)]
    parse = statistics.median(p[0] for p in parsed)
    parse_cpu = statistics.median(p[1] for p in parsed)
    parse_rate = args.records / parse
    print(f"\n{'measurement':44} {'records/s':>12} {'ratio to (a)':>12} {'CPU s':>8} {'CPU ratio':>10} "
          f"{'peak RSS':>10} {'exit':>5}")
    print(f"{'(a) parse only (orjson)':44} {parse_rate:12,.0f} {1.0:12.2f} {parse_cpu:8.2f} {1.0:10.3f}")

    runs: list[tuple[str, list[str]]] = []
    for fmt in args.formats or formats():
        runs.append((f"({'b' if fmt == 'json' else 'c'}) scan -f {fmt} > /dev/null", ["-f", fmt]))
    for jobs in args.jobs or []:
        runs.append((f"(b) scan -f json --jobs {jobs}", ["-f", "json", "--jobs", str(jobs)]))
    results = {}
    for label, extra in runs:
        measured = [timed_child([SCRIPT, "scan", str(data.resolve()), *extra], workdir) for _ in range(args.repeat)]
        wall = statistics.median(m[0] for m in measured)
        cpu = statistics.median(m[1] for m in measured)
        rss = max(m[2] for m in measured)
        codes = ",".join(str(c) for c in sorted({m[3] for m in measured}))
        rate = args.records / wall
        results[label] = (rate, rss)
        # the generated records include schema-invalid ones: a complete scan exits 3; 4 is a crash
        print(f"{label:44} {rate:12,.0f} {rate / parse_rate:12.2f} {cpu:8.1f} {parse_cpu / cpu:10.3f} "
              f"{rss / 1024:7.0f} MB {codes:>5}"
              + ("  <- not a complete scan?" if codes != "3" else ""))

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
    for label, seconds, codes in startup(args.startup_runs, tiny):
        base = seconds if base is None else base
        extra = "" if seconds == base else f"  (+{(seconds - base) * 1000:.0f} ms over python -c pass)"
        odd = f"  exit {sorted(codes)}: did not run as measured" if codes - {0, 1} else ""
        print(f"  {label:40} {seconds * 1000:7.0f} ms{extra}{odd}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"\nCPU time of this process's children: {usage.ru_utime + usage.ru_stime:.1f} s (user + system); "
          f"load average now {load()}")


if __name__ == "__main__":
    main()
