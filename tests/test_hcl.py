"""The .tf loader on real fixture folders (tests/data/tf/hcl_*): attributes, unknowns, places, problems."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.model import ErrorKind, Provenance
from checker.planned.hcl import load_tf
from checker.planned.hcl_locations import config_address, locate, tf_locations
from checker.planned.model import Where

DATA = Path(__file__).parent / "data" / "tf"
REPO = str(DATA / "hcl_repo")
MAIN = "aws_bedrock_model_invocation_job.main"
NIGHTLY0 = 'module.batch["nightly"].aws_bedrock_model_invocation_job.this[0]'
ROLE = "arn:aws:iam::111122223333:role/service/prod-batch-role"
KEY = "arn:aws:kms:eu-west-1:111122223333:alias/resolved-from/aws_kms_key/batch"


def _jobs(path: str, **kwargs):  # type: ignore[no-untyped-def]
    result = load_tf(path, **kwargs)
    return {job.identity: job for job in result.jobs}, result


def test_realistic_repo_every_job_with_its_address_account_and_region() -> None:
    jobs, result = _jobs(REPO)
    assert list(jobs) == [MAIN, NIGHTLY0, 'module.batch["nightly"].aws_bedrock_model_invocation_job.this[1]',
                          'module.batch["weekly"].aws_bedrock_model_invocation_job.this[0]',
                          'module.batch["weekly"].aws_bedrock_model_invocation_job.this[1]']
    assert result.problems == []
    assert result.resources_read == 7  # 5 root resources + 1 job block in each of 2 module instances
    for job in jobs.values():
        assert (job.origin, job.source, job.account_id, job.region) == ("tf", REPO, "111122223333", "eu-west-1")
    jobs_, problems, read = load_tf(REPO)  # the 3-tuple core unpacks
    assert (len(jobs_), problems, read) == (5, [], 7)


def test_root_job_attributes_tfvars_precedence_and_resolved_references() -> None:
    job = _jobs(REPO)[0][MAIN]
    assert job.attributes == {
        "job_name": "prod-batch-summaries",  # prod.auto.tfvars wins over terraform.tfvars and the default
        "model_id": "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "role_arn": ROLE,
        "timeout_duration_in_hours": 48,  # "48" in terraform.tfvars, declared number
        "input_data_config": [{"s3_input_data_config": [{"s3_uri": "s3://prod-batch-io-111122223333/input/"}]}],
        "output_data_config": [{"s3_output_data_config": [{"s3_uri": "s3://prod-batch-io-111122223333/output/",
                                                           "s3_encryption_key_id": KEY}]}],
        "vpc_config": [{"subnet_ids": ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]}],
    }
    assert job.unknown == {"vpc_config.security_group_ids": "[aws_security_group.batch.id]"}
    main = f"{REPO}/main.tf"
    assert job.where[""] == Where(main, 33)
    assert job.where["role_arn"] == Where(main, 36)
    assert job.where["output_data_config.s3_output_data_config.s3_encryption_key_id"] == Where(main, 48)
    assert job.where["vpc_config"] == Where(main, 52)
    assert job.where["vpc_config.security_group_ids"] == Where(main, 54)


def test_local_module_for_each_and_count_with_inputs() -> None:
    jobs = _jobs(REPO)[0]
    nightly, weekly = jobs[NIGHTLY0], jobs['module.batch["weekly"].aws_bedrock_model_invocation_job.this[1]']
    assert nightly.attributes["job_name"] == "prod-batch-nightly-00"
    assert nightly.attributes["input_data_config"] == [
        {"s3_input_data_config": [{"s3_uri": "s3://prod-batch-io-111122223333/prod-batch-nightly/shard-0/"}]}]
    assert nightly.attributes["output_data_config"][0]["s3_output_data_config"][0]["s3_encryption_key_id"] == KEY
    assert nightly.attributes["role_arn"] == ROLE
    assert weekly.attributes["job_name"] == "prod-batch-weekly-01"
    assert weekly.attributes["model_id"] == "amazon.nova-lite-v1:0"
    # encrypt = false passes null: not configured (the service default), not unknown
    assert weekly.attributes["output_data_config"] == [
        {"s3_output_data_config": [{"s3_uri": "s3://prod-batch-io-111122223333/prod-batch-weekly/out/"}]}]
    assert "vpc_config" not in weekly.attributes and weekly.unknown == {}
    module_file = f"{REPO}/modules/batch/main.tf"
    assert weekly.where[""] == Where(module_file, 27)
    assert weekly.where["output_data_config.s3_output_data_config.s3_encryption_key_id"] == Where(module_file, 42)


def test_var_and_var_file_win_in_command_line_order(tmp_path: Path) -> None:
    var_file = tmp_path / "ci.tfvars"
    var_file.write_text('env = "ci"\njob_timeout = 72\n')
    jobs = _jobs(REPO, var_files=[str(var_file)], variables=[("job_timeout", "96")])[0]
    assert jobs[MAIN].attributes["job_name"] == "ci-batch-summaries"
    assert jobs[MAIN].attributes["timeout_duration_in_hours"] == 96
    json_file = tmp_path / "more.tfvars.json"
    json_file.write_text(json.dumps({"subnet_ids": ["subnet-9"]}))
    jobs = _jobs(REPO, var_files=[str(json_file)], variables={"subnet_ids": '["subnet-1", "subnet-2"]'})[0]
    assert jobs[MAIN].attributes["vpc_config"] == [{"subnet_ids": ["subnet-1", "subnet-2"]}]


def test_account_flag_wins_and_region_flag_is_the_last_resort() -> None:
    jobs = _jobs(REPO, account="999988887777", region="us-west-2")[0]
    assert jobs[MAIN].account_id == "999988887777"
    assert jobs[MAIN].region == "eu-west-1"  # the provider's region wins over --region
    assert jobs[MAIN].attributes["role_arn"] == "arn:aws:iam::999988887777:role/service/prod-batch-role"


def test_bad_tfvars_value_is_one_problem_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tfvars"
    bad.write_text('env = "x"\njob_timeout = "soon"\n')
    result = load_tf(REPO, var_files=[str(bad)])
    assert result.jobs == []
    assert [p.message for p in result.problems] == [f"{bad}: var.job_timeout: a number is required, not 'soon'"]
    bad.write_text("env = var.other\n")
    (problem,) = load_tf(REPO, var_files=[str(bad)]).problems
    assert problem.message == f"{bad}:1: env = var.other: a .tfvars value must be a literal"
    assert problem.provenance == Provenance(str(bad), 1)


def test_unknowns_name_the_expression_and_why() -> None:
    path = str(DATA / "hcl_unknowns")
    jobs, result = _jobs(path)
    job = jobs["aws_bedrock_model_invocation_job.partial"]
    assert job.unknown == {
        "job_name": '"partial-${local.a}" (local.a refers to itself (a cycle Terraform rejects))',
        "role_arn": "var.role_arn (var.role_arn has no value: pass --var role_arn=VALUE or set it in a .tfvars "
                    "file)",
        "input_data_config.s3_input_data_config.s3_uri":
            '"s3://in/${local.tags}/" (templatefile("${path.module}/tags.tpl", {}): the function templatefile() '
            "is not evaluated by bedrock-audit)",
        "output_data_config.s3_output_data_config.s3_encryption_key_id":
            "data.aws_iam_role.existing.arn (data.aws_iam_role.existing.arn: the data source is read only during "
            "apply)",
    }
    assert job.attributes["vpc_config"] == [{"subnet_ids": ["subnet-1"], "security_group_ids": ["sg-1"]}]
    assert job.attributes["timeout_duration_in_hours"] == 200  # the schema, not the loader, refuses it
    assert job.where["timeout_duration_in_hours"] == Where(f"{path}/main.tf", 39)
    assert job.where["vpc_config.subnet_ids"] == Where(f"{path}/main.tf", 57)
    assert (job.account_id, job.region) == ("444455556666", "eu-central-1")  # provider = aws.eu
    (problem,) = result.problems
    assert problem.kind is ErrorKind.INPUT and problem.provenance == Provenance(f"{path}/main.tf", 63)
    assert "aws_bedrock_model_invocation_job.per_region: its instances cannot be known from for_each = " \
           "var.regions" in problem.message


def test_for_each_over_a_set_from_var_sets_each_and_resource_region() -> None:
    jobs, result = _jobs(str(DATA / "hcl_unknowns"), variables={"regions": '["us-west-2", "eu-west-3"]',
                                                                  "role_arn": "arn:aws:iam::1:role/r"})
    assert result.problems == []
    job = jobs['aws_bedrock_model_invocation_job.per_region["eu-west-3"]']
    assert (job.region, job.attributes["job_name"]) == ("eu-west-3", "job-eu-west-3")
    assert jobs["aws_bedrock_model_invocation_job.partial"].attributes["role_arn"] == "arn:aws:iam::1:role/r"
    jobs = _jobs(str(DATA / "hcl_unknowns"), variables={"use_vpc": "false", "regions": "[]"})[0]
    assert "vpc_config" not in jobs["aws_bedrock_model_invocation_job.partial"].attributes


def test_broken_hcl_is_one_line_with_file_and_line_and_other_files_still_read() -> None:
    path = str(DATA / "hcl_broken")
    jobs, result = _jobs(path)
    assert list(jobs) == ["aws_bedrock_model_invocation_job.ok"]
    (problem,) = result.problems
    assert problem.message == f"{path}/broken.tf:4:15: unexpected end of file (expected '\"' or '${{' or text)"
    assert problem.provenance == Provenance(f"{path}/broken.tf", 4)


def test_module_calling_itself_is_one_clear_problem() -> None:
    path = str(DATA / "hcl_selfcall")
    jobs, result = _jobs(path)
    assert list(jobs) == ["module.loop.aws_bedrock_model_invocation_job.inner"]
    (problem,) = result.problems
    assert problem.message.startswith(f"{path}/loop/main.tf:1: module.loop.module.again calls a module that is "
                                      "already being read (. -> loop -> .)")


def test_registry_module_is_named_as_not_read_unless_terraform_init_downloaded_it(tmp_path: Path) -> None:
    jobs, result = _jobs(str(DATA / "hcl_registry"))
    assert jobs == {}
    (problem,) = result.problems
    assert "module.jobs (source 'acme-corp/bedrock-batch/aws') is not read" in problem.message
    assert problem.provenance == Provenance(f"{DATA / 'hcl_registry'}/main.tf", 2)
    root = tmp_path / "repo"
    shutil.copytree(DATA / "hcl_registry", root)
    downloaded = root / ".terraform" / "modules" / "jobs"
    shutil.copytree(DATA / "hcl_repo" / "modules" / "batch", downloaded)
    (root / ".terraform" / "modules" / "modules.json").write_text(json.dumps({"Modules": [
        {"Key": "", "Source": "", "Dir": "."},
        {"Key": "jobs", "Source": "registry.terraform.io/acme-corp/bedrock-batch/aws", "Dir": ".terraform/modules/jobs"},
    ]}))
    result = load_tf(str(root))
    assert result.problems == []  # `version` is Terraform's, not an input of the module
    assert [j.identity for j in result.jobs] == ["module.jobs.aws_bedrock_model_invocation_job.this[0]",
                                                 "module.jobs.aws_bedrock_model_invocation_job.this[1]"]
    assert result.jobs[0].where[""].file == f"{root}/.terraform/modules/jobs/main.tf"


def test_no_job_and_missing_path() -> None:
    result = load_tf(str(DATA / "hcl_registry" / "main.tf"))  # a single file
    assert (result.jobs, result.resources_read) == ([], 1)
    (problem,) = load_tf(str(DATA / "nowhere")).problems
    assert problem.kind is ErrorKind.SOURCE


def test_locations_for_plan_addresses() -> None:
    places, problems = tf_locations(REPO)
    assert problems == []
    assert set(places) == {MAIN, "module.batch.aws_bedrock_model_invocation_job.this"}
    assert places[config_address(NIGHTLY0)]["role_arn"] == Where(f"{REPO}/modules/batch/main.tf", 31)
    assert locate(REPO)[MAIN]["vpc_config.subnet_ids"] == Where(f"{REPO}/main.tf", 53)
    assert config_address('module.a["x].y"].aws_t.n[3]') == "module.a.aws_t.n"
    places, problems = tf_locations(str(DATA / "hcl_selfcall"))
    assert list(places) == ["module.loop.aws_bedrock_model_invocation_job.inner"]
    assert tf_locations(str(DATA / "hcl_broken"))[1] == [
        f"{DATA / 'hcl_broken'}/broken.tf:4:15: unexpected end of file (expected '\"' or '${{' or text)"]


@pytest.mark.parametrize("text", ['x = "${', "resource {", "a = [\n", "a = {b = }", "a = 1\na = 2", "}"])
def test_broken_snippets_never_raise(tmp_path: Path, text: str) -> None:
    (tmp_path / "main.tf").write_text(text)
    result = load_tf(str(tmp_path))
    (problem,) = result.problems
    assert "\n" not in problem.message and problem.message.startswith(f"{tmp_path}/main.tf:")


def test_module_outputs_and_a_provider_passed_to_a_module() -> None:
    jobs, result = _jobs(str(DATA / "hcl_outputs"))
    root, inner = jobs["aws_bedrock_model_invocation_job.j"], jobs["module.m.aws_bedrock_model_invocation_job.k"]
    assert root.attributes == {"job_name": "from-module", "model_id": "x",
                               "role_arn": "arn:aws:iam::222233334444:role/inner-role"}
    assert (root.account_id, root.region) == (None, "us-east-1")  # the default provider lists no account
    assert (inner.account_id, inner.region) == ("222233334444", "us-west-2")  # providers = { aws = aws.west }
    assert result.notes == ["module.m.aws_iam_role.r.arn = arn:aws:iam::222233334444:role/inner-role (from its "
                            "name and path in account 222233334444)"]
