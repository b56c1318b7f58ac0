"""The pipeline files: action.yml, the workflows, the GitLab example and .pre-commit-hooks.yaml.

Schemas: check-jsonschema's built-in GitHub Actions, GitHub workflow and GitLab CI schemas (SchemaStore).
check-jsonschema is installed into a throwaway virtualenv of its own, cached in pytest's cache folder, and
never into the project's test extras (it pulls rfc3987-syntax, whose import costs 0.7 s in every process
that imports jsonschema's format checkers). The tests skip only when the package index is unreachable.

The action's scan step (.github/action/scan.sh) runs here as GitHub runs it: with GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY and RUNNER_TEMP set, the installed console script, and the inputs as environment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import venv
from pathlib import Path

import pytest
from conftest import ROOT, console_script
from gate_scenario import NOW, write_scenario

pytestmark = pytest.mark.smoke  # starts the installed console script, pip or a fresh venv


CHECK_JSONSCHEMA = "check-jsonschema==0.39.0"
NETWORK_MARKERS = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable",
                   "Max retries exceeded", "ConnectTimeout", "ReadTimeout", "Connection refused")


@pytest.fixture(scope="session")
def tools(request: pytest.FixtureRequest) -> Path:
    """The bin folder of a virtualenv holding check-jsonschema (and its YAML parser)."""
    folder = Path(request.config.cache.mkdir("check-jsonschema-venv"))
    bin_dir = folder / "bin"
    if not (bin_dir / "check-jsonschema").exists():
        venv.create(folder, with_pip=True, clear=True)
        result = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--retries", "1",
                                 "--timeout", "30", "--disable-pip-version-check", CHECK_JSONSCHEMA],
                                capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            if any(marker in result.stderr for marker in NETWORK_MARKERS):
                pytest.skip(f"package index unreachable, cannot install {CHECK_JSONSCHEMA}: "
                            f"{result.stderr.strip().splitlines()[-1]}")
            pytest.fail(f"pip install {CHECK_JSONSCHEMA} failed:\n{result.stderr}")
    return bin_dir


def check(tools: Path, schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(tools / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True, timeout=120, check=False)


def load_yaml(tools: Path, path: Path) -> object:
    """Parse YAML with the tools venv's ruamel.yaml (the project itself has no YAML dependency)."""
    code = ("import json, sys; from ruamel.yaml import YAML; "
            "print(json.dumps(YAML(typ='safe').load(open(sys.argv[1], encoding='utf-8'))))")
    result = subprocess.run([str(tools / "python"), "-c", code, str(path)], capture_output=True, text=True,
                            timeout=60, check=True)
    return json.loads(result.stdout)


def workflow_files() -> list[Path]:
    return sorted((ROOT / ".github" / "workflows").glob("*.y*ml")) + [ROOT / "examples" / "ci" / "github-actions.yml"]


def test_action_validates_against_the_github_actions_schema(tools: Path) -> None:
    result = check(tools, "vendor.github-actions", ROOT / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_validate_against_the_github_workflows_schema(tools: Path) -> None:
    files = workflow_files()
    assert len(files) >= 2
    result = check(tools, "vendor.github-workflows", *files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_example_validates_against_the_gitlab_ci_schema(tools: Path) -> None:
    result = check(tools, "vendor.gitlab-ci", ROOT / "examples" / "ci" / "gitlab-ci.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_action(tools: Path, tmp_path: Path) -> None:
    broken = tmp_path / "action.yml"
    broken.write_text((ROOT / "action.yml").read_text().replace("using: composite", "using: compost"))
    assert check(tools, "vendor.github-actions", broken).returncode == 1


def test_action_wiring(tools: Path) -> None:
    action = load_yaml(tools, ROOT / "action.yml")
    assert isinstance(action, dict) and action["runs"]["using"] == "composite"
    steps = {step.get("name"): step for step in action["runs"]["steps"]}
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@") and upload["if"].startswith("always()")
    gate = steps["Gate"]
    assert gate["if"] == "always()" and 'exit "$code"' in gate["run"] and "${CODE:-4}" in gate["run"]
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used <= set(action["inputs"]), used - set(action["inputs"])
    script = (ROOT / ".github" / "action" / "scan.sh").read_text()
    env_used = set(re.findall(r"\$\{?((?:INPUT|SARIF|JUNIT|STEP)_[A-Z_]+)", script))
    env_set = set(steps["Scan"]["env"])
    assert env_used <= env_set, env_used - env_set
    assert steps["Scan"]["run"] == 'bash "$GITHUB_ACTION_PATH/.github/action/scan.sh"'


def run_action_scan(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    (tmp_path / "gh").mkdir(exist_ok=True)
    output, summary = tmp_path / "gh" / "output", tmp_path / "gh" / "summary"
    output.write_text("")
    summary.write_text("previous step's summary\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BEDROCK_AUDIT_")}
    env.update({"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), "RUNNER_TEMP": str(tmp_path / "gh"),
                "BEDROCK_AUDIT": console_script(), "NO_COLOR": "1", "SARIF_FILE": "bedrock-audit.sarif",
                "JUNIT_FILE": "bedrock-audit.xml", "STEP_SUMMARY": "true", "INPUT_SOFT_FAIL": "false"})
    env.update(inputs)
    result = subprocess.run(["bash", str(ROOT / ".github" / "action" / "scan.sh")], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return result, outputs, summary.read_text()


def test_action_scan_step_writes_reports_summary_and_passes_the_code_on(tools: Path, tmp_path: Path) -> None:
    write_scenario(tmp_path)
    result, outputs, summary = run_action_scan(
        tmp_path, INPUT_PATHS="jobs.jsonl\n", INPUT_WAIVERS="waivers.toml", INPUT_BASELINE="baseline.json",
        INPUT_ARGS=f"--now {NOW}")
    assert result.returncode == 0, result.stderr  # the action's last step fails the job, after the upload
    assert outputs == {"exit-code": "1", "sarif-file": "bedrock-audit.sarif", "junit-file": "bedrock-audit.xml"}
    assert summary.startswith("previous step's summary\n## ❌ bedrock-audit: gate failed (exit 1)")
    log = json.loads((tmp_path / "bedrock-audit.sarif").read_text())
    assert len(log["runs"][0]["results"]) == 4
    assert not list((tmp_path / "gh").glob("bedrock-audit-summary-*"))  # its temporary file is gone

    result, outputs, _ = run_action_scan(tmp_path, INPUT_PATHS="jobs.jsonl", INPUT_WAIVERS="waivers.toml",
                                         INPUT_BASELINE="baseline.json", INPUT_FAIL_ON="high",
                                         INPUT_ARGS=f"--now {NOW}")
    assert outputs["exit-code"] == "0"
    result, outputs, _ = run_action_scan(tmp_path, INPUT_PATHS="jobs.jsonl", INPUT_SOFT_FAIL="true")
    assert outputs["exit-code"] == "0"


def test_action_account_input_is_passed_as_account(tmp_path: Path) -> None:
    plan = json.loads((ROOT / "tests" / "data" / "tf" / "newuser" / "plan.json").read_text())
    del plan["configuration"]["provider_config"]["aws"]["expressions"]["allowed_account_ids"]
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    _, outputs, _ = run_action_scan(tmp_path, INPUT_PATHS="plan.json")
    assert outputs["exit-code"] == "3"  # the role's ARN needs the account: unknown
    result, outputs, _ = run_action_scan(tmp_path, INPUT_PATHS="plan.json", INPUT_ACCOUNT="444455556666")
    assert outputs["exit-code"] == "1", result.stderr  # findings, nothing unknown
    action = (ROOT / "action.yml").read_text()
    assert "  account:\n" in action and "INPUT_ACCOUNT: ${{ inputs.account }}" in action


def test_action_scan_step_reports_a_usage_error(tools: Path, tmp_path: Path) -> None:
    write_scenario(tmp_path)
    (tmp_path / "bedrock-audit.sarif").write_text("{}")  # left by an earlier run on a self-hosted runner
    result, outputs, summary = run_action_scan(tmp_path, INPUT_PATHS="jobs.jsonl", INPUT_CONFIG="missing.toml")
    assert result.returncode == 0
    assert outputs == {"exit-code": "2"}  # no report files: nothing for the upload step
    assert not (tmp_path / "bedrock-audit.sarif").exists()
    assert "missing.toml: policy file not found" in result.stderr
    assert "bedrock-audit: no report (exit 2)" in summary


def test_pre_commit_hook(tools: Path, tmp_path: Path) -> None:
    (hook,) = load_yaml(tools, ROOT / ".pre-commit-hooks.yaml")
    assert hook["id"] == "bedrock-audit" and hook["language"] == "python" and hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    for name in ("exports/bedrock-jobs.jsonl", "jobs.csv", "data/batch_jobs.json", "bedrock.ndjson"):
        assert files.search(name), name
    for name in ("package.json", "src/app.py", "jobs.jsonl.bak", "docs/bedrock.md"):
        assert not files.search(name), name
    # pre-commit runs `entry` with the matching staged files appended
    write_scenario(tmp_path)
    entry = hook["entry"].split()
    assert entry[0] == "bedrock-audit"
    command = [console_script(), *entry[1:], *hook.get("args", []), "jobs.jsonl"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 1 and "FAIL  BA004 mandatory-tags" in result.stdout


def test_readme_gitlab_setup_is_the_checked_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### GitLab CI"):readme.index("### Jenkins")]
    snippet = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert snippet is not None
    example = (ROOT / "examples" / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8")
    assert example.split("\n", 1)[1] == snippet.group(1)  # the example's first line is a comment


def test_pre_commit_hook_leaves_bedrock_audits_own_files_alone(tools: Path) -> None:
    """The baseline and JSON report that README tells you to commit are not job exports: a hook that
    scanned them would fail every commit with exit 3 ("unrecognised JSON document")."""
    (hook,) = load_yaml(tools, ROOT / ".pre-commit-hooks.yaml")
    files, exclude = re.compile(hook["files"]), re.compile(hook.get("exclude", "^$"))

    def selected(name: str) -> bool:  # pre-commit: matches `files` and does not match `exclude`
        return bool(files.search(name)) and not exclude.search(name)

    for name in ("bedrock-audit-baseline.json", "ci/bedrock-audit-baseline.json", "bedrock-audit.json",
                 "reports/bedrock-audit.json", "jobs-baseline.json"):
        assert not selected(name), name
    for name in ("exports/bedrock-jobs.jsonl", "jobs.csv", "data/batch_jobs.json", "bedrock-audit-jobs.jsonl"):
        assert selected(name), name
