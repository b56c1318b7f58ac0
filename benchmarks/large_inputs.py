"""Large and hostile inputs: memory, time, exit code and valid reports (issue 3). Prints; asserts nothing.

Run with the dev install, on a quiet machine:

    python benchmarks/large_inputs.py --records 200000
    python benchmarks/large_inputs.py --records 1000000 --cases all-reports --xsd

From N records of ``benchmarks/generate.py`` it builds each case below and scans it once with every
report at once (``-f text > /dev/null -o json=... -o junit=... -o sarif=...``), printing records, wall
time, CPU time (user + system), peak RSS and exit code of the scan process, then checks the reports:

  all-reports    the N records as JSON Lines;
  json-array     the same records as one ``.json`` array (read whole: memory grows with the file);
  csv            the same records as a DDSQL editor CSV export;
  broken         every tenth line broken (truncated JSON, invalid UTF-8, an array, null, a cut object),
                 and every 97th record's submit_time past year 9999 in UTC;
  drift-same     one column the schema does not know on every record (one warning);
  drift-distinct a column of its own on every record (the first 50 named, then one warning counting);
  all-invalid    every record schema-invalid, so python-jsonschema explains every one.

Report checks: the JSON report's summary (read from its last line, the report can be gigabytes) counts
every record; the JUnit report parses with a strict XML parser (expat, streamed) and its ``<testsuites>``
totals match the testcases, and with ``--xsd`` validates against the Jenkins JUnit XSD (xmlschema, lazy:
about a millisecond per job); the SARIF log is valid against the OASIS schema (jsonschema-rs, Draft 4)
and within GitHub's limits (25,000 results, 10 MB gzip-compressed).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
SCRIPT = str(Path(PYTHON).parent / "bedrock-audit")
ENV = {k: v for k, v in os.environ.items() if not k.startswith("BEDROCK_AUDIT")}
ENV["BEDROCK_AUDIT_DISABLE_PLUGIN_AUTOLOAD"] = "1"
VENDOR = ROOT / "tests" / "data" / "vendor"
CSV_COLUMNS = ["_key", "account_id", "client_request_token", "end_time", "input_data_config", "job_arn",
               "job_expiration_time", "job_name", "last_modified_time", "message", "model_id",
               "output_data_config", "role_arn", "status", "submit_time", "tags", "timeout_duration_in_hours",
               "vpc_config"]
BROKEN: list[Callable[[bytes], bytes]] = [
    lambda line: line[: len(line) // 2] + b"\n",
    lambda line: b"\xff\xfe" + line,
    lambda _: b"[1,2,3]\n",
    lambda _: b"null\n",
    lambda _: b'{"job_arn":\n',
]


def records(base: Path) -> Iterator[dict]:
    with base.open("rb") as handle:
        for line in handle:
            yield orjson.loads(line)


def write_lines(path: Path, rows: Iterator[dict]) -> None:
    with path.open("wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(row) + b"\n")


def build(case: str, base: Path, folder: Path) -> Path:
    """Write the input of ``case`` (derived from the JSONL ``base``) into ``folder``; return its path."""
    if case == "all-reports":
        return base
    if case == "json-array":
        path = folder / "jobs.json"
        with base.open("rb") as source, path.open("wb") as handle:
            handle.write(b"[\n")
            for index, line in enumerate(source):
                handle.write((b",\n" if index else b"") + line.rstrip(b"\n"))
            handle.write(b"\n]\n")
        return path
    if case == "csv":
        path = folder / "jobs.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_COLUMNS)
            for row in records(base):
                cells = [row.get(c) for c in CSV_COLUMNS]
                writer.writerow(["" if v is None else json.dumps(v) if isinstance(v, dict | list) else v
                                 for v in cells])
        return path
    if case == "broken":
        path = folder / "broken.jsonl"
        with base.open("rb") as source, path.open("wb") as handle:
            for index, line in enumerate(source):
                if index % 10 == 9:
                    line = BROKEN[(index // 10) % len(BROKEN)](line)
                elif index % 97 == 5:
                    row = orjson.loads(line)
                    row["submit_time"] = "9999-12-31T23:59:59-05:00"
                    line = orjson.dumps(row) + b"\n"
                handle.write(line)
        return path
    if case in ("drift-same", "drift-distinct"):
        path = folder / f"{case}.jsonl"

        def drifted() -> Iterator[dict]:
            for index, row in enumerate(records(base)):
                row["estimated_cost_usd" if case == "drift-same" else f"label_{index}"] = 1.5
                yield row

        write_lines(path, drifted())
        return path
    if case == "all-invalid":
        path = folder / "invalid.jsonl"

        def invalid() -> Iterator[dict]:
            for index, row in enumerate(records(base)):
                row["status"] = "Running"
                if index % 2:
                    row["timeout_duration_in_hours"] = 500
                yield row

        write_lines(path, invalid())
        return path
    raise ValueError(case)


def scan(path: Path, folder: Path) -> tuple[float, float, int, int, int, str]:
    """Scan ``path`` with every report; (wall s, CPU s user + system, peak RSS KiB, exit code, lines on
    stderr, the last 4,000 bytes of stderr)."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "start = time.perf_counter()\n"
               "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
               "wall = time.perf_counter() - start\n"
               "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
               "sys.stderr.buffer.write(done.stderr[-4000:])\n"
               "print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, done.returncode,\n"
               "      done.stderr.count(b'\\n'))\n")
    command = [SCRIPT, "scan", str(path), "-o", "json=report.json", "-o", "junit=report.xml",
               "-o", "sarif=report.sarif"]
    out = subprocess.run([PYTHON, "-c", wrapper, *command], capture_output=True, text=True, env=ENV,
                         cwd=folder, check=True)
    wall, cpu, rss, code, lines = out.stdout.split()
    return float(wall), float(cpu), int(rss), int(code), int(lines), out.stderr


def json_summary(path: Path) -> dict:
    """The ``summary`` of a JSON report, read from the end of the file."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 65536))
        tail = handle.read()
    return orjson.loads(tail[tail.rindex(b',"summary":') + len(b',"summary":'):].rstrip()[:-1])


def check_junit(path: Path, xsd: bool) -> str:
    totals: dict[str, str] = {}
    tests = failures = errors = suites = 0
    for event, element in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            if element.tag == "testsuites":
                totals = dict(element.attrib)
            continue
        if element.tag == "testcase":
            tests += 1
            failures += element.find("failure") is not None
            errors += element.find("error") is not None
        elif element.tag == "testsuite":
            suites += 1
            element.clear()
    match = (int(totals["tests"]), int(totals["failures"]), int(totals["errors"])) == (tests, failures, errors)
    verdict = f"junit: {suites:,} suites, strict parse ok, totals {'match' if match else 'DO NOT MATCH'}"
    if xsd:
        import xmlschema

        start = time.perf_counter()
        schema = xmlschema.XMLSchema(str(VENDOR / "junit-10.xsd"))
        bad = sum(1 for _ in schema.iter_errors(xmlschema.XMLResource(str(path), lazy=True)))
        verdict += f", XSD {'valid' if not bad else f'{bad} ERRORS'} ({time.perf_counter() - start:.0f} s)"
    return verdict


def check_sarif(path: Path) -> str:
    import jsonschema_rs

    raw = path.read_bytes()
    log = orjson.loads(raw)
    schema = orjson.loads((VENDOR / "sarif-schema-2.1.0.json").read_bytes())
    valid = jsonschema_rs.Draft4Validator(schema).is_valid(log)
    run = log["runs"][0]
    compressed = len(gzip.compress(raw))
    notes = len(run["invocations"][0]["toolExecutionNotifications"])
    within = len(run["results"]) <= 25_000 and compressed <= 10_000_000
    return (f"sarif: {'valid' if valid else 'INVALID'}, {len(run['results']):,} results, {notes:,} notifications, "
            f"{len(raw) / 1e6:.1f} MB ({compressed / 1e6:.1f} MB gzip){'' if within else ', PAST GITHUB LIMITS'}")


CASES = ["all-reports", "json-array", "csv", "broken", "drift-same", "drift-distinct", "all-invalid"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--cases", nargs="+", choices=CASES, default=CASES)
    parser.add_argument("--xsd", action="store_true", help="also validate each JUnit report against the XSD (slow)")
    parser.add_argument("--keep", type=Path, help="generate the base JSONL into / reuse this file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bedrock-audit-large-"))
    base = args.keep or folder / "jobs.jsonl"
    if not base.exists():
        subprocess.run([PYTHON, str(HERE / "generate.py"), str(args.records), str(base)], check=True, env=ENV)
    base = base.resolve()
    count = sum(1 for _ in itertools.islice(base.open("rb"), args.records + 1))
    print(f"{count:,} base records; python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"\n{'case':15} {'input MB':>9} {'wall s':>7} {'CPU s':>7} {'rec/s (CPU)':>12} {'peak RSS':>9} {'exit':>5}")
    try:
        for case in args.cases:
            work = folder / case
            work.mkdir()
            path = build(case, base, work)
            wall, cpu, rss, code, stderr_lines, stderr = scan(path, work)
            print(f"{case:15} {path.stat().st_size / 2**20:9.0f} {wall:7.1f} {cpu:7.1f} {count / cpu:12,.0f} "
                  f"{rss / 1024:6.0f} MB {code:5}")
            if "internal error" in stderr or "Traceback" in stderr:
                print("    CRASH: " + stderr.strip().splitlines()[-1])
            shown = sorted({line[:100] for line in stderr.strip().splitlines()})[:3]
            print(f"    stderr: {stderr_lines} lines" + "".join(f"\n      {line}" for line in shown))
            if (work / "report.json").exists():
                summary = json_summary(work / "report.json")
                print(f"    json: records {summary['records']:,}, jobs {summary['jobs']:,}, "
                      f"problems {summary['problems']}, warnings {summary['warnings']}")
                print(f"    {check_junit(work / 'report.xml', args.xsd)}")
                print(f"    {check_sarif(work / 'report.sarif')}")
            for name in ("report.json", "report.xml", "report.sarif"):
                (work / name).unlink(missing_ok=True)
            if path != base:
                path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # a --keep base lives elsewhere and stays
    print(f"\nload average now {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
