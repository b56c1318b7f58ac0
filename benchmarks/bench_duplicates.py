"""Memory and time of the duplicate-job check (checker.duplicates.SeenJobs) for N distinct jobs.

    python benchmarks/bench_duplicates.py [N]   (default 1,000,000)

Prints the bytes the table holds (tracemalloc peak) and the time per job. Issue 15 item 4: a 1M-job scan
must stay well under 150 MB.
"""

from __future__ import annotations

import sys
import time
import tracemalloc

from checker.duplicates import SeenJobs
from checker.model import Provenance


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    arns = [f"arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/{n:012x}" for n in range(count)]
    places = [Provenance("export.jsonl", line) for line in range(1, 1001)]
    seen = SeenJobs()
    started = time.perf_counter()
    for line, arn in enumerate(arns):
        seen.first_seen(arn, places[line % 1000])
    elapsed = time.perf_counter() - started  # untraced: tracemalloc slows every allocation
    tracemalloc.start()
    seen = SeenJobs()
    for line, arn in enumerate(arns):
        seen.first_seen(arn, places[line % 1000])
    _, peak = tracemalloc.get_traced_memory()
    print(f"{count:,} jobs: table peak {peak / 1e6:.1f} MB ({peak / count:.0f} bytes a job), "
          f"{elapsed / count * 1e6:.2f} us a job")


if __name__ == "__main__":
    main()
