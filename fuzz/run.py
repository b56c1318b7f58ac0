"""Run one coverage-guided fuzz target (atheris / libFuzzer) on one loader.

    .venv/bin/python fuzz/run.py LOADER [libFuzzer flags]

LOADER is ``jsonl``, ``json``, ``csv`` or ``auto`` (format sniffed, as for stdin). The working corpus
is ``fuzz/work/LOADER`` (git-ignored), seeded from examples/ and tests/data on every start
(:mod:`seeds`); a crash is saved as ``fuzz/work/LOADER-crash-<sha1>`` and stops the run. Useful flags:
``-runs=N`` (stop after N executions), ``-max_total_time=SECONDS``, ``-max_len=BYTES`` (default here
16384), ``-timeout=SECONDS`` per input (default here 10: a slower input is a finding too).
``--no-reports`` leaves the reporters out (faster; the reader, normaliser, schema and rules still run).
``--replay FILE...`` runs files once without instrumentation and prints what happens (no traceback
means the input is handled).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def replay(loader: str, files: list[str], reports: bool) -> int:
    """Run each file once; print the items it yields. Returns 1 if any raised."""
    import traceback

    from harness import Scanner

    scanner = Scanner(reports)
    failed = 0
    for name in files:
        data = Path(name).read_bytes()
        try:
            for item in scanner.items(loader, data):
                print(f"{name}: {item!r}"[:300])
            scanner.run(loader, data)
        except Exception:  # noqa: BLE001 - the point is to show it
            failed = 1
            traceback.print_exc()
        else:
            print(f"{name}: handled")
    return failed


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in ("jsonl", "json", "csv", "auto"):
        print(__doc__, file=sys.stderr)
        return 2
    loader = argv[1]
    reports = "--no-reports" not in argv
    rest = [a for a in argv[2:] if a != "--no-reports"]
    if rest and rest[0] == "--replay":
        return replay(loader, rest[1:], reports)

    import atheris
    import seeds

    work = HERE / "work"
    corpus = seeds.write(work / "seeds")[loader]
    live = work / loader
    live.mkdir(parents=True, exist_ok=True)
    with atheris.instrument_imports(include=["checker", "rules", "harness"]):
        from harness import Scanner
    scanner = Scanner(reports)

    def one_input(data: bytes) -> None:
        scanner.run(loader, data)

    flags = [argv[0], f"-artifact_prefix={work}/{loader}-", "-max_len=16384", "-timeout=10",
             f"-dict={HERE / 'dicts' / 'bedrock.dict'}", *rest, str(live), str(corpus)]
    atheris.Setup(flags, one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
