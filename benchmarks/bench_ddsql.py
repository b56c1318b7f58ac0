"""Speed and memory of ``bedrock-audit scan ddsql://`` against the DDSQL stand-in answering after 50 ms.

Starts ``tests/ddsql_standin.py`` in its own process (so the server does not share the scan's
interpreter), then runs the console script as a user would, ``scan ddsql:// -f json`` (every row
normalised, validated, checked by every default rule, reported) and ``fetch ddsql:// -o FILE`` (read
and written only), and prints rows/s, pages, retries and the peak RSS of the bedrock-audit process.

    .venv/bin/python benchmarks/bench_ddsql.py [--rows 100000] [--latency 0.05] [--row-limit 10000]

Target (issue 14): at least 5,000 rows/s for 100,000 rows.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "bedrock-audit"


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, int, str, int]:
    """Run the console script: ``(wall seconds, CPU seconds (user + sys), peak RSS in MiB, stderr, exit
    code)``."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([str(SCRIPT), *args], stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, cpu, usage.ru_maxrss // 1024, err.read().decode(), process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the stand-in waits per answer")
    parser.add_argument("--row-limit", type=int, default=10_000)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "ddsql_standin.py"), "--rows", str(args.rows),
                               "--latency", str(args.latency)], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        env = dict(os.environ, **dict(part.split("=", 1) for part in line.split()))
        env.pop("DD_SITE", None)
        location = f"ddsql://?row-limit={args.row_limit}"
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{args.rows} rows, stand-in latency {args.latency * 1000:.0f} ms, row limit {args.row_limit}")
        with tempfile.TemporaryDirectory() as folder:
            for name, command in (("scan -f json", ["scan", location, "-f", "json"]),
                                  ("fetch -o jobs.jsonl", ["fetch", location, "-o", f"{folder}/jobs.jsonl"])):
                seconds, cpu, rss, stderr, code = run(command, env)
                closing = re.search(r"ddsql: (\d+) rows in (\d+) pages? \((.*?)\)", stderr)
                detail = f"{closing.group(2)} pages, {closing.group(3)}" if closing else stderr.strip()[-300:]
                rows = int(closing.group(1)) if closing else 0
                print(f"  {name:<20} {seconds:6.2f} s  {rows / seconds:8,.0f} rows/s  CPU {cpu:5.2f} s "
                      f"({rows / cpu:,.0f} rows per CPU s)  peak RSS {rss} MiB  exit {code}  ({detail})")
        print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
              "(on a busy machine, compare the CPU column)")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
