#!/bin/sh
# The campaign the README reports: every loader with the reporters, then without (faster), one worker at a
# time. Usage: fuzz/campaign.sh [LOGDIR] (default fuzz/work/logs). Stops a loader at its first finding.
set -u
cd "$(dirname "$0")/.."
logs=${1:-fuzz/work/logs}
mkdir -p "$logs"
for spec in "jsonl 50000" "json 50000" "csv 50000" "auto 20000"; do
  set -- $spec
  .venv/bin/python fuzz/run.py "$1" -max_len=4096 -runs="$2" -print_final_stats=1 > "$logs/$1-reports.log" 2>&1
done
for spec in "jsonl 250000" "json 250000" "csv 250000" "auto 80000"; do
  set -- $spec
  .venv/bin/python fuzz/run.py "$1" --no-reports -max_len=4096 -runs="$2" -print_final_stats=1 \
    > "$logs/$1-fast.log" 2>&1
done
