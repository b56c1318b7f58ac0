"""Memory and time of the duplicate-job check (checker.duplicates.SeenJobs) for N distinct jobs.

    python benchmarks/bench_duplicates.py [N]   (default 1,000,000)

Prints the bytes the table holds (tracemalloc peak), the time per job, and the time to hash one record's
content (checker.duplicates.content_hash of the compliant sample row). Issue 15 item 4: a 1M-job scan
must stay well under 150 MB.
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path

from checker.duplicates import SeenJobs, content_hash
from checker.model import Provenance


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    arns = [f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{n:012x}" for n in range(count)]
    places = [Provenance("export.jsonl", line) for line in range(1, 1001)]
    seen = SeenJobs()
    started = time.perf_counter()
    for line, arn in enumerate(arns):
        seen.first_seen(arn, places[line % 1000], line)
    elapsed = time.perf_counter() - started  # untraced: tracemalloc slows every allocation
    tracemalloc.start()
    seen = SeenJobs()
    for line, arn in enumerate(arns):
        seen.first_seen(arn, places[line % 1000], line)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    row = json.loads((Path(__file__).parent.parent / "tests/data/sample-ddsql-rows.json").read_text())[0]
    rounds = 100_000
    started = time.perf_counter()
    for _ in range(rounds):
        content_hash(row)
    hashing = (time.perf_counter() - started) / rounds
    print(f"{count:,} jobs: table peak {peak / 1e6:.1f} MB ({peak / count:.0f} bytes a job), "
          f"{elapsed / count * 1e6:.2f} us a job; content hash {hashing * 1e6:.2f} us a record")


if __name__ == "__main__":
    main()
