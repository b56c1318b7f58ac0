#!/usr/bin/env bash
# The scan step of the bedrock-audit GitHub Action (action.yml). Inputs come as environment variables
# (never interpolated into the script); outputs go to $GITHUB_OUTPUT, the Markdown report to
# $GITHUB_STEP_SUMMARY. Always exits 0: the action's last step passes the scan's exit code through, after
# the SARIF upload. Runs anywhere bash does (tests/test_ci_files.py runs it with a fake GitHub environment).
#
# BEDROCK_AUDIT   the console script to run (default: bedrock-audit on PATH)
# INPUT_PATHS     files/folders, separated by whitespace (no glob expansion)
# INPUT_CONFIG, INPUT_BASELINE, INPUT_FAIL_ON, INPUT_ACCOUNT   optional single values
# INPUT_WAIVERS   optional, whitespace-separated files
# INPUT_SOFT_FAIL true/false
# INPUT_ARGS      more scan arguments, split on whitespace
# SARIF_FILE, JUNIT_FILE   report paths (empty: not written)
# STEP_SUMMARY    true/false
set -uo pipefail
set -f  # paths and arguments are taken literally: no glob expansion

bedrock_audit="${BEDROCK_AUDIT:-bedrock-audit}"
read -r -d '' -a paths <<< "${INPUT_PATHS:-}"
read -r -d '' -a extra <<< "${INPUT_ARGS:-}"
read -r -d '' -a waivers <<< "${INPUT_WAIVERS:-}"

args=(scan "${paths[@]}")
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
for file in "${waivers[@]}"; do args+=(--waivers "$file"); done
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
[ -n "${INPUT_FAIL_ON:-}" ] && args+=(--fail-on "$INPUT_FAIL_ON")
[ -n "${INPUT_ACCOUNT:-}" ] && args+=(--account "$INPUT_ACCOUNT")
[ "${INPUT_SOFT_FAIL:-false}" = "true" ] && args+=(--soft-fail)
[ -n "${SARIF_FILE:-}" ] && args+=(-o "sarif=$SARIF_FILE")
[ -n "${JUNIT_FILE:-}" ] && args+=(-o "junit=$JUNIT_FILE")
summary="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/bedrock-audit-summary-$$.md"
args+=(-o "markdown=$summary")
args+=("${extra[@]}")

# a report left by an earlier run (self-hosted runners keep the workspace) must not be uploaded as this one's
[ -n "${SARIF_FILE:-}" ] && rm -f -- "$SARIF_FILE"
[ -n "${JUNIT_FILE:-}" ] && rm -f -- "$JUNIT_FILE"

echo "bedrock-audit ${args[*]}"
"$bedrock_audit" "${args[@]}"
code=$?

output="${GITHUB_OUTPUT:-/dev/null}"
echo "exit-code=$code" >> "$output"
if [ -n "${SARIF_FILE:-}" ] && [ -f "$SARIF_FILE" ]; then echo "sarif-file=$SARIF_FILE" >> "$output"; fi
if [ -n "${JUNIT_FILE:-}" ] && [ -f "$JUNIT_FILE" ]; then echo "junit-file=$JUNIT_FILE" >> "$output"; fi
if [ "${STEP_SUMMARY:-true}" = "true" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    if [ -f "$summary" ]; then
        cat "$summary" >> "$GITHUB_STEP_SUMMARY"
    else
        printf '## ⚠️ bedrock-audit: no report (exit %s)\n\nThe scan stopped before writing reports: see the step log.\n' \
            "$code" >> "$GITHUB_STEP_SUMMARY"
    fi
fi
rm -f "$summary"
exit 0
