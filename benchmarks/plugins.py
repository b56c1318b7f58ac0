"""Cost of the plugin machinery: loading plugins, and evaluating declarative custom rules.

Prints numbers; asserts nothing (speed targets live here, not in unit tests).

    python benchmarks/plugins.py [--records 20000]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tomllib
from pathlib import Path

from checker.custom_rules import custom_rules
from checker.plugins import load_plugins
from checker.policy import policy_from_mapping
from checker.testing import example_row, make_job, run_rule

ROOT = Path(__file__).resolve().parent.parent


def best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    args = parser.parse_args()

    first = best_of(1, lambda: load_plugins(autoload=False))
    again = best_of(20, lambda: load_plugins(autoload=False))
    print(f"load_plugins (built-ins): first call {first * 1000:.1f} ms (imports), then {again * 1000:.2f} ms")
    with_entry_points = best_of(20, load_plugins)
    print(f"load_plugins (with installed entry points): {with_entry_points * 1000:.2f} ms")

    policy = policy_from_mapping(tomllib.loads((ROOT / "examples" / "custom-rules.toml").read_text()))
    rules = custom_rules(policy)
    tags = {"owner": "a", "cost-center": "cc-1"}
    passing = make_job(example_row(tags={**tags, "data-classification": "internal"}))
    row = example_row(tags=tags)
    row["input_data_config"]["s3_input_data_config"]["s3_uri"] = "s3://partner-bucket/in/"
    failing = make_job(row)
    for rule in rules:
        for label, job in (("pass", passing), ("fail", failing)):
            assert run_rule(rule, job).status.value == label.upper()
            samples = []
            for _ in range(5):
                start = time.perf_counter()
                for _ in range(args.records // 5):
                    rule.check(job, {})
                samples.append((time.perf_counter() - start) / (args.records // 5))
            print(f"custom rule {rule.id} ({label}): {statistics.median(samples) * 1e6:.1f} µs per record")


if __name__ == "__main__":
    main()
