"""Terraform plans and states, request files and .tf folders through the real pipeline: each rule's verdict
for each fixture job, locations, notes, hostile inputs. Fixtures: tests/data/tf/ (see their _comment/README)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest
from conftest import VENDOR, Cli
from planned_harness import NOW, scan

from checker.planned.options import PlannedOptions
from checker.plugins import load_plugins
from checker.policy import configure_rules, policy_from_mapping
from checker.reporters.base import ReportContext
from checker.reporters.sarif import SarifReporter

DATA = Path(__file__).parent / "data" / "tf"
PLAN = str(DATA / "plan" / "plan.json")
RUN_SKIPS = {"BA010": "SKIP", "BA011": "SKIP", "BA012": "SKIP"}
J = "aws_bedrock_model_invocation_job"


def test_plan_verdicts_exactly() -> None:
    found = scan([PLAN])
    assert found.verdicts() == {
        f"{J}.nightly": {"BA001": "PASS", "BA002": "PASS", "BA003": "PASS", "BA004": "FAIL", "BA005": "PASS",
                         "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
        f'module.batch.{J}.this["weekly"]': {"BA001": "FAIL", "BA002": "PASS", "BA003": "FAIL", "BA004": "FAIL",
                                             "BA005": "FAIL", "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
        f"module.batch.module.inner.{J}.deep": {"BA001": "PASS", "BA002": "ERROR", "BA003": "PASS", "BA004": "FAIL",
                                                "BA005": "PASS", "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
    }
    assert found.summary is not None and found.summary.exit_code == 3
    # resolved from the role's name and path in the provider's one allowed account; the KMS key stands in
    deep_role = found.result(f"module.batch.module.inner.{J}.deep", "BA002")
    assert deep_role.message == ("BA002 cannot decide: role_arn is known only after apply: aws_iam_role.generated.arn: "
                                 "the role has no fixed name (a generated name or name_prefix is known only after apply)")
    assert found.result(f"{J}.nightly", "BA004").message.startswith(
        "job will run untagged: the Terraform resource aws_bedrock_model_invocation_job has no tags argument")
    assert found.result(f"{J}.nightly", "BA010").message == (
        "not applicable: planned job (the rule judges a job's run: status, times, outcome)")
    assert found.result(f"{J}.nightly", "BA012").message.startswith("not applicable: planned job")
    weekly_kms = found.result(f'module.batch.{J}.this["weekly"]', "BA005")
    assert "no s3EncryptionKeyId: the service uses an AWS managed key" in weekly_kms.message
    [problem] = found.problems
    assert problem.message == (f"schema-invalid planned job {J}.too_long: /timeout_duration_in_hours: 200 is "
                               "greater than the maximum of 168")
    assert problem.job is not None and problem.job.address == f"{J}.too_long"
    assert found.notes == [f"{PLAN}: 1 job(s) destroyed, not checked: {J}.old; 1 job(s) unchanged (no-op, already "
                           f"deployed), not checked: {J}.steady"]


def test_plan_resolution_values() -> None:
    from checker.planned.plan import read_document

    reading = read_document(json.loads(Path(PLAN).read_text()), PLAN, PlannedOptions())
    nightly = next(job for job in reading.jobs if job.identity == f"{J}.nightly")
    assert nightly.attributes["role_arn"] == "arn:aws:iam::111122223333:role/service/bedrock-batch"
    key = nightly.attributes["output_data_config"][0]["s3_output_data_config"][0]["s3_encryption_key_id"]
    assert key == "arn:aws:kms:eu-west-1:111122223333:alias/resolved-from/aws_kms_key/batch"
    assert (nightly.account_id, nightly.region) == ("111122223333", "eu-west-1")
    weekly = next(job for job in reading.jobs if job.identity.startswith("module.batch.aws"))
    assert weekly.attributes["role_arn"] == nightly.attributes["role_arn"]  # var.role_arn -> the module call
    assert "timeout_duration_in_hours" not in weekly.attributes  # unset: the service default, not unknown
    assert weekly.unknown == {}


def test_plan_with_tf_dir_points_at_tf_lines() -> None:
    found = scan([str(DATA / "plan" / "repo-plan.json")], PlannedOptions(tf_dir=str(DATA / "hcl_repo")))
    assert found.verdicts() == {
        f"{J}.main": {"BA001": "ERROR", "BA002": "PASS", "BA003": "PASS", "BA004": "FAIL", "BA005": "PASS",
                      "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
        f'module.batch["weekly"].{J}.this[0]': {"BA001": "FAIL", "BA002": "PASS", "BA003": "FAIL", "BA004": "FAIL",
                                                "BA005": "ERROR", "BA006": "ERROR", **RUN_SKIPS, "BA014": "PASS"},
    }
    places = {(ref.label, r.rule.id): str(prov.at(r.pointer)) for ref, prov, results in found.jobs for r in results}
    repo = str(DATA / "hcl_repo")
    assert places[(f"{J}.main", "BA001")] == f"{repo}/main.tf:52"
    assert places[(f"{J}.main", "BA004")] == f"{repo}/main.tf:33"
    assert places[(f'module.batch["weekly"].{J}.this[0]', "BA001")] == f"{repo}/modules/batch/main.tf:27"
    assert found.result(f"{J}.main", "BA001").message == (
        "BA001 cannot decide: vpc_config.security_group_ids is known only after apply: aws_security_group.batch.id")


def test_tf_dir_that_is_no_folder_or_the_wrong_one(cli: Cli, tmp_path: Path) -> None:
    # a mistyped --tf-dir was silently ignored (findings at the plan file, exit by findings): new-user trial
    result = cli("scan", PLAN, "--tf-dir", str(tmp_path / "infra-typo"), "--account", "111122223333")
    assert result.returncode == 2
    assert f"--tf-dir '{tmp_path / 'infra-typo'}': no such folder" in result.stderr
    plan = str(DATA / "plan" / "repo-plan.json")
    found = scan([plan], PlannedOptions(tf_dir=str(tmp_path)))
    assert f"{plan}: --tf-dir {tmp_path}: none of the plan's 2 job(s) is in its .tf files (another configuration, " \
           "or files that cannot be read): findings point at the plan file" in found.notes


def test_account_missing_says_pass_account(tmp_path: Path) -> None:
    plan = json.loads((DATA / "plan" / "repo-plan.json").read_text())
    del plan["configuration"]["provider_config"]["aws"]["expressions"]["allowed_account_ids"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    found = scan([str(path)])
    message = found.result(f"{J}.main", "BA002").message
    assert message == ("BA002 cannot decide: role_arn is known only after apply: aws_iam_role.batch.arn: the account "
                       "is unknown (pass --account ID, or give the aws provider allowed_account_ids with one account)")
    assert scan([str(path)], PlannedOptions(account="111122223333")).result(f"{J}.main", "BA002").status.value == "PASS"


def test_sarif_of_a_plan_is_valid_and_names_addresses(tmp_path: Path) -> None:
    registry = load_plugins(autoload=False)
    settings = policy_from_mapping({})
    configured = configure_rules(settings, registry.rules)
    stream = io.StringIO()
    context = ReportContext(version="test", now=NOW, fail_on=settings.fail_on, policy_path=None, rules=configured,
                            plugins=registry.plugins, rule_plugin={}, locations=[PLAN], soft_fail=False)
    scan([PLAN], reporters=[SarifReporter(stream, context)])
    sarif = json.loads(stream.getvalue())
    schema = json.loads((VENDOR / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    logical = {r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] for r in results}
    assert logical == {f"{J}.nightly", f'module.batch.{J}.this["weekly"]', f"module.batch.module.inner.{J}.deep"}
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results} == {60, 151, 226}


def test_requests_json_yaml_and_template() -> None:
    found = scan([str(DATA / "request" / "jobs.json"), str(DATA / "request" / "job.yaml"),
                  str(DATA / "request" / "template.yaml")], PlannedOptions(account="111122223333"))
    jobs, yaml_job = str(DATA / "request" / "jobs.json"), str(DATA / "request" / "job.yaml")
    assert found.verdicts() == {
        f"{jobs}#1": {"BA001": "PASS", "BA002": "PASS", "BA003": "PASS", "BA004": "PASS", "BA005": "PASS",
                      "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
        f"{jobs}#2": {"BA001": "FAIL", "BA002": "PASS", "BA003": "FAIL", "BA004": "FAIL", "BA005": "FAIL",
                      "BA006": "FAIL", **RUN_SKIPS, "BA014": "FAIL"},
        f"{yaml_job}#1": {"BA001": "PASS", "BA002": "PASS", "BA003": "PASS", "BA004": "FAIL", "BA005": "FAIL",
                          "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
    }
    assert found.result(f"{jobs}#2", "BA004").message == "job has no tags; required: owner, cost-center"
    assert found.result(f"{yaml_job}#1", "BA005").message == (
        "output KMS key alias/aws/s3 is an AWS managed key; use a customer managed key")
    [problem] = found.problems
    assert str(problem.provenance) == f"{jobs}:21"
    assert problem.message.endswith("/timeout_duration_in_hours: 200 is greater than the maximum of 168")
    assert any("CloudFormation template: 1 AWS::Bedrock::ModelInvocationJob (Job) recognised" in n for n in found.notes)


def test_request_account_is_not_the_role_account(tmp_path: Path) -> None:
    # a request names no account: taking the role ARN's made BA002 pass any cross-account role (new-user trial)
    path = tmp_path / "job.json"
    path.write_text(json.dumps({
        "jobName": "x", "roleArn": "arn:aws:iam::777788889999:role/elsewhere", "modelId": "amazon.titan-text-express-v1",
        "inputDataConfig": {"s3InputDataConfig": {"s3Uri": "s3://acme-in/x/"}},
        "outputDataConfig": {"s3OutputDataConfig": {"s3Uri": "s3://acme-out/x/"}}}))
    found = scan([str(path)])
    role = found.result(f"{path}#1", "BA002")
    assert role.status.value == "ERROR"
    assert "pass --account ID (the account that submits the request)" in role.message
    assert found.summary is not None and found.summary.exit_code == 3
    found = scan([str(path)], PlannedOptions(account="111122223333"))
    assert found.result(f"{path}#1", "BA002").status.value == "FAIL"


def test_state_is_deployed_jobs() -> None:
    found = scan([str(DATA / "state" / "state.json")])
    assert found.verdicts() == {f"{J}.nightly": {
        "BA001": "PASS", "BA002": "PASS", "BA003": "PASS", "BA004": "FAIL", "BA005": "PASS", "BA006": "PASS",
        "BA010": "SKIP", "BA011": "PASS", "BA012": "PASS", "BA014": "PASS"}}
    # new-user trial: a deployed job "will run untagged" read as if it were not created yet
    assert found.result(f"{J}.nightly", "BA004").message == (
        "job is untagged: the Terraform resource aws_bedrock_model_invocation_job has no tags argument, so Terraform "
        "created the job without tags (tags added outside Terraform are not in the state: scan the job with --aws "
        "to see them); required: owner, cost-center")
    ref = found.jobs[0][0]
    assert ref.arn == "arn:aws:bedrock:eu-west-1:111122223333:model-invocation-job/x7k2m9q4p1ab"
    assert ref.address == f"{J}.nightly"


def test_no_jobs_is_a_note_and_exit_0() -> None:
    found = scan([str(DATA / "plan" / "no-jobs.json")])
    assert found.summary is not None and found.summary.exit_code == 0
    assert found.notes == [f"{DATA / 'plan' / 'no-jobs.json'}: no {J} to check among 2 resources read from this "
                           f"plan; 1 job(s) destroyed, not checked: {J}.old"]


def test_another_major_format_version_is_one_line_error() -> None:
    found = scan([str(DATA / "plan" / "format-v2.json")])
    assert found.summary is not None and found.summary.exit_code == 3
    assert found.problems[0].message == ("line 1: unsupported Terraform JSON format_version '2.0': this version of "
                                         "bedrock-audit reads 1.x (terraform show -json of Terraform 1.x)")


def test_tf_folder_through_the_pipeline() -> None:
    found = scan([str(DATA / "hcl_repo")])
    fails = {"BA001": "FAIL", "BA002": "PASS", "BA003": "FAIL", "BA004": "FAIL"}
    assert found.verdicts() == {
        f"{J}.main": {"BA001": "ERROR", "BA002": "PASS", "BA003": "PASS", "BA004": "FAIL", "BA005": "PASS",
                      "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
        **{f'module.batch["nightly"].{J}.this[{i}]': {**fails, "BA005": "PASS", "BA006": "PASS", **RUN_SKIPS,
                                                      "BA014": "PASS"} for i in (0, 1)},
        **{f'module.batch["weekly"].{J}.this[{i}]': {**fails, "BA005": "FAIL", "BA006": "PASS", **RUN_SKIPS,
                                                     "BA014": "PASS"} for i in (0, 1)},
    }


def test_waiver_by_address_glob() -> None:
    policy = {"waivers": [{"rule": "BA004", "job": "module.batch.*", "reason": "tags come from the account",
                           "owner": "ml-platform", "expires": "2027-01-31"}]}
    found = scan([PLAN], policy=policy)
    assert found.result(f'module.batch.{J}.this["weekly"]', "BA004").status.value == "SKIP"
    assert found.result(f"{J}.nightly", "BA004").status.value == "FAIL"


@pytest.mark.parametrize("pattern", [f'module.batch.{J}.this["weekly"]', 'module.batch.*["weekly"]'])
def test_waiver_by_exact_address_with_index(pattern: str) -> None:
    # an address's index is in brackets, which a glob reads as a character class: found in the new-user trial
    policy = {"waivers": [{"rule": "BA004", "job": pattern, "reason": "tags come from the account",
                           "owner": "ml-platform", "expires": "2027-01-31"}]}
    found = scan([PLAN], policy=policy)
    assert found.result(f'module.batch.{J}.this["weekly"]', "BA004").status.value == "SKIP"
    assert found.result(f"{J}.nightly", "BA004").status.value == "FAIL"


@pytest.mark.parametrize("size_mb", [50])
def test_large_plan(tmp_path: Path, size_mb: int) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_plan", Path(__file__).parents[1] / "benchmarks" /
                                                  "bench_plan.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    write_plan = bench.write_plan

    path = tmp_path / "big.json"
    write_plan(path, jobs=3, padding_resources=size_mb * 1024 * 1024 // 350)
    assert path.stat().st_size > size_mb * 1024 * 1024
    found = scan([str(path)], PlannedOptions(account="111122223333"))
    assert len(found.jobs) == 3 and not found.problems


def test_the_parsed_plan_is_released_before_the_rules_run(tmp_path: Path) -> None:
    # issue 12 trial, 616 MB peak RSS on a 69 MB plan: the parse is the peak; the bytes and the parsed plan
    # (about 5x the file) must not stay in memory while the jobs are checked and reported
    import importlib.util
    import tracemalloc

    from checker.sources.tfplan import TfPlanSource

    spec = importlib.util.spec_from_file_location("bench_plan", Path(__file__).parents[1] / "benchmarks" /
                                                  "bench_plan.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = tmp_path / "plan.json"
    bench.write_plan(path, jobs=3, padding_resources=20_000)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with path.open("rb") as stream:
            items = TfPlanSource().read(str(path), stream)
            first = next(items)
            held = tracemalloc.get_traced_memory()[0]
            assert sum(1 for _ in items) == 2 and first is not None
    finally:
        tracemalloc.stop()
    assert held < size // 4, f"{held / 1e6:.1f} MB held while yielding records of a {size / 1e6:.1f} MB plan"


NEWUSER = DATA / "newuser"


def test_newuser_folder_and_plan_beside_it() -> None:
    plan = scan([str(NEWUSER / "plan.json")])
    assert plan.verdicts() == {
        f"module.summaries.{J}.this": {"BA001": "PASS", "BA002": "PASS", "BA003": "PASS", "BA004": "FAIL",
                                       "BA005": "PASS", "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
        f"module.adhoc.{J}.this": {"BA001": "FAIL", "BA002": "PASS", "BA003": "FAIL", "BA004": "FAIL",
                                   "BA005": "FAIL", "BA006": "PASS", **RUN_SKIPS, "BA014": "PASS"},
    }
    places = {(ref.label, r.rule.id): str(prov.at(r.pointer)) for ref, prov, results in plan.jobs for r in results}
    # the module variable kms_key_id is not passed and defaults to null: not configured, the service default
    assert places[(f"module.adhoc.{J}.this", "BA005")] == f"{NEWUSER}/modules/batch/main.tf:35"
    assert places[(f"module.adhoc.{J}.this", "BA001")] == f"{NEWUSER}/modules/batch/main.tf:39"


def _places(found: object) -> dict[tuple[str, str], str]:
    return {(ref.label, r.rule.id): str(prov.at(r.pointer))
            for ref, prov, results in found.jobs for r in results}  # type: ignore[attr-defined]


def test_a_folder_with_a_plan_beside_its_tf_files_is_scanned_through_the_plan() -> None:
    # new-user trial: both were read, and every finding appeared twice (same address and line), disagreeing
    folder, plan = scan([str(NEWUSER)]), scan([str(NEWUSER / "plan.json")])
    assert sorted(ref.label for ref, _, _ in folder.jobs) == [f"module.adhoc.{J}.this", f"module.summaries.{J}.this"]
    assert folder.verdicts() == plan.verdicts() and _places(folder) == _places(plan)  # .tf lines, plan values
    assert not folder.problems  # the .tf's timeout = 200 is not evaluated: the plan applies 100
    assert folder.notes[0] == (f"{NEWUSER}: scanned through plan.json (a plan is what will be applied); its .tf "
                               "files are not evaluated, they give the findings' locations (--input-format tf "
                               "to scan the .tf files alone)")


def test_input_format_tf_scans_the_tf_files_alone() -> None:
    found = scan([str(NEWUSER)], input_format="tf")
    assert [ref.label for ref, _, _ in found.jobs] == [f"module.summaries.{J}.this"]
    [problem] = found.problems  # module.adhoc: timeout 200 in the .tf, a schema error at its line
    assert str(problem.provenance) == f"{NEWUSER}/modules/batch/main.tf:24"


def test_a_plan_beside_tf_files_in_a_walked_folder_stands_in_for_them(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(NEWUSER, tmp_path / "repo" / "infra")
    found = scan([str(tmp_path / "repo")])
    assert sorted(ref.label for ref, _, _ in found.jobs) == [f"module.adhoc.{J}.this", f"module.summaries.{J}.this"]
    assert any("scanned through plan.json" in note for note in found.notes)


def test_a_state_beside_tf_files_does_not_stand_in_for_them(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(NEWUSER, tmp_path / "infra", ignore=shutil.ignore_patterns("plan.json"))
    shutil.copy(DATA / "state" / "state.json", tmp_path / "infra" / "state.json")
    found = scan([str(tmp_path / "infra")])  # deployed (state) and what will be (.tf): both are read
    assert sorted((prov.kind, ref.label) for ref, prov, _ in found.jobs) == [
        ("deployed", f"{J}.nightly"), ("planned", f"module.summaries.{J}.this")]


def test_hostile_address_cannot_forge_or_reorder_text_lines(cli: Cli, tmp_path: Path) -> None:
    # a for_each key is any string: a newline forged a report line, U+202E reordered it (new-user trial)
    evil = '\x1b[31mred\u202eevil\nFAIL  BA001 forged'
    text = json.dumps(json.loads(Path(PLAN).read_text()), indent=1)
    text = text.replace(json.dumps('this["weekly"]')[1:-1], json.dumps(f'this["{evil}"]')[1:-1])
    path = tmp_path / "plan.json"
    path.write_text(text)
    result = cli("scan", str(path), "--account", "111122223333")
    assert result.returncode == 3
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert not any(line.startswith("FAIL  BA001 forged") for line in result.stdout.splitlines())
    assert 'this["\\x1b[31mred\\u202eevil\\x0aFAIL  BA001 forged"]' in result.stdout
