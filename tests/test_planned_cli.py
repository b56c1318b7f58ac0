"""Pre-deployment inputs through the command line: the planned-job flags on ``scan`` and ``baseline create``,
their usage errors, and what the user is told (follow-ups of the issue 12 new-user trial)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import Cli

J = "aws_bedrock_model_invocation_job"
NOW = "2026-12-01"
MAIN_TF = """\
variable "timeout" {
  default = 200
}

resource "aws_iam_role" "batch" {
  name = "batch"
}

resource "aws_bedrock_model_invocation_job" "main" {
  job_name                  = "nightly"
  model_id                  = "anthropic.claude-3-haiku-20240307-v1:0"
  role_arn                  = aws_iam_role.batch.arn
  timeout_duration_in_hours = var.timeout

  input_data_config {
    s3_input_data_config {
      s3_uri = "s3://acme-batch-in/x/"
    }
  }

  output_data_config {
    s3_output_data_config {
      s3_uri = "s3://acme-batch-out/x/"
    }
  }
}
"""


def _infra(tmp_path: Path) -> None:
    """``infra/main.tf`` (a role created beside the job, timeout 200 by default: a schema error) and
    ``ci.tfvars`` (timeout 48)."""
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(MAIN_TF)
    (tmp_path / "ci.tfvars").write_text("timeout = 48\n")


def test_baseline_create_takes_the_planned_job_flags(cli: Cli, tmp_path: Path) -> None:
    _infra(tmp_path)
    flags = ("--account", "111122223333", "--region", "eu-west-1", "--now", NOW)
    result = cli("baseline", "create", "infra", "--var-file", "ci.tfvars", *flags, "-o", "baseline.json")
    assert result.returncode == 0, result.stderr
    entries = json.loads((tmp_path / "baseline.json").read_text())["entries"]
    assert sorted((e["rule_id"], e["job_arn"]) for e in entries) == [
        ("BA001", f"{J}.main"), ("BA004", f"{J}.main"), ("BA005", f"{J}.main")]
    # the same job through --var instead of --var-file: every failure is in the baseline
    gated = cli("scan", "infra", "--var", "timeout=48", *flags, "--baseline", "baseline.json")
    assert gated.returncode == 0, gated.stdout
    # without --account the role's ARN is unknown (BA002 ERROR): a baseline needs a complete scan
    partial = cli("baseline", "create", "infra", "--var-file", "ci.tfvars", "--now", NOW, "-o", "b2.json")
    assert partial.returncode == 3 and not (tmp_path / "b2.json").exists()
    assert "--tf-dir" in cli("baseline", "create", "--help").stdout


def test_a_missing_var_file_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    _infra(tmp_path)
    for command in (("scan",), ("baseline", "create", "-o", "baseline.json")):
        result = cli(*command, "infra", "--var-file", "prod.tfvars", "--account", "111122223333")
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip() == ("bedrock-audit: error: --var-file 'prod.tfvars': no such file (a .tfvars "
                                         "file of variable values, as terraform -var-file)")
    assert not (tmp_path / "baseline.json").exists()


NEWUSER = Path(__file__).parent / "data" / "tf" / "newuser"


def test_an_account_the_provider_does_not_allow_is_a_warning() -> None:
    from planned_harness import scan

    from checker.planned.options import PlannedOptions

    warning = ("--account 111122223333 is not in the aws provider's allowed_account_ids (444455556666): Terraform "
               "would refuse that account, so these jobs cannot run in it; the rules use 111122223333 as given "
               "(check --account)")
    for location, input_format in ((NEWUSER / "plan.json", None), (NEWUSER, "tf")):
        found = scan([str(location)], PlannedOptions(account="111122223333"), input_format=input_format)
        assert found.summary is not None and found.summary.warnings == [f"{location}: {warning}"]
        allowed = scan([str(location)], PlannedOptions(account="444455556666"), input_format=input_format)
        assert allowed.summary is not None and allowed.summary.warnings == []


def test_input_format_tfplan_on_a_csv_says_what_was_expected(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "jobs.csv").write_text("job_arn,job_name\n"
                                       "arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abc,x\n")
    result = cli("scan", "jobs.csv", "--input-format", "tfplan", "-f", "json")
    assert result.returncode == 3
    problem = json.loads(result.stdout)["errors"][0]
    assert problem["message"] == ("line 1: not a Terraform plan or state: expected the JSON of terraform show "
                                  "-json (an object with format_version), and this is not JSON (unexpected "
                                  "character, expected a JSON value)")
    # a plan that is broken (cut short) is still invalid JSON, at its line
    (tmp_path / "plan.json").write_text('{"format_version": "1.2", "terraform_version": "1.9.8",\n'
                                        '"resource_changes": [\n')
    broken = json.loads(cli("scan", "plan.json", "-f", "json").stdout)["errors"][0]
    assert broken["message"] == "line 3: invalid JSON: unexpected end of data"


def test_yaml_request_errors_and_findings_point_at_the_members_line(tmp_path: Path) -> None:
    from planned_harness import scan

    from checker.planned.options import PlannedOptions

    request = (Path(__file__).parent / "data" / "tf" / "request" / "job.yaml").read_text()
    assert "timeoutDurationInHours: 24\n" in request
    bad = request.replace("timeoutDurationInHours: 24", "timeoutDurationInHours: 200")
    path = tmp_path / "jobs.yaml"
    # a list of two requests: the second one's timeout is out of the table's 24-168 h range
    indented = "".join(f"  {line}\n" if line and not line.startswith("#") else f"{line}\n"
                       for line in bad.splitlines())
    path.write_text("- " + "  ".join(request.splitlines(keepends=True)).replace("\n  #", "\n#") +
                    "- " + indented.lstrip())
    lines = path.read_text().splitlines()
    timeout_line = next(i for i, line in enumerate(lines, 1) if "timeoutDurationInHours: 200" in line)
    found = scan([str(path)], PlannedOptions(account="111122223333"))
    [problem] = found.problems
    assert "/timeout_duration_in_hours" in problem.message  # the schema error, at the member's line
    assert str(problem.provenance.at(problem.pointer)) == f"{path}:{timeout_line}"
    [(ref, provenance, results)] = found.jobs
    key_line = next(i for i, line in enumerate(lines, 1) if "s3EncryptionKeyId" in line)
    ba005 = next(r for r in results if r.rule.id == "BA005")
    assert ba005.status.value == "FAIL" and str(provenance.at(ba005.pointer)) == f"{path}:{key_line}"
