"""Fuzz the .tf loader entry on generated text: never a traceback, every failure one line with file:line."""

from __future__ import annotations

import os
import re
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.planned.hcl import load_tf

TOKENS = ['resource "aws_bedrock_model_invocation_job" "j" {', "}", "{", "[", "]", "(", ")", "=", ",", ".", ":",
          "?", "\n", " ", '"', "${", "%{", "<<EOT\n", "EOT\n", "var.x", "local.y", "each.key", "count.index",
          "job_name", "role_arn", "for_each", "count", "module", '"./"', "source", "locals", "variable",
          "for", "in", "if", "=>", "...", "1", "-2.5e3", "true", "null", "format(", "upper(", "try(", "*", "#",
          "//", "/*", "*/", "dynamic", "content", "\\", "[*]", "vpc_config", "aws_iam_role.r.arn", "\t", "\r\n"]
LINE = re.compile(r"^\S.*:\d+(:\d+)?: \S")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=6)), max_size=60))
def test_generated_configurations_never_raise(parts: list[str]) -> None:
    text = "".join(parts)
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "main.tf"), "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        result = load_tf(folder, variables={"x": "1"})
    for problem in result.problems:
        assert "\n" not in problem.message
        assert LINE.match(problem.message), problem.message
        assert problem.provenance is not None and problem.provenance.line is not None
    for job in result.jobs:
        assert job.where[""].line is not None


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_never_raises(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "main.tf"), "w", encoding="utf-8", errors="surrogatepass") as handle:
            handle.write(text)
        result = load_tf(folder)
    for problem in result.problems:
        assert "\n" not in problem.message and LINE.match(problem.message), problem.message


EXPRESSIONS = ['"x"', "var.x", "local.y", '"${var.x}-${local.y}"', "[1, 2]", '{a = "b"}', "upper(var.x)",
               "aws_iam_role.r.arn", "count.index", "each.key", "null", "true ? 1 : 2", '[for s in ["a"] : s]',
               "module.m.out", "data.aws_iam_role.d.arn", "1 / 0", "nosuch(1)"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(EXPRESSIONS), min_size=3, max_size=3),
       st.sampled_from(["", "count = 2", 'for_each = {a = 1}', "count = var.x", "for_each = local.y"]))
def test_generated_jobs_are_read_with_every_unknown_named(values: list[str], meta: str) -> None:
    text = (f'variable "x" {{}}\nlocals {{\n  y = {values[0]}\n}}\n'
            f'resource "aws_iam_role" "r" {{\n  name = "r"\n}}\n'
            f'resource "aws_bedrock_model_invocation_job" "j" {{\n  {meta}\n  job_name = {values[1]}\n'
            f"  role_arn = {values[2]}\n  vpc_config {{\n    subnet_ids = [{values[0]}]\n  }}\n}}\n")
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "main.tf"), "w", encoding="utf-8") as handle:
            handle.write(text)
        result = load_tf(folder, variables={"x": "2"}, account="111122223333", region="eu-west-1")
    for problem in result.problems:
        assert "\n" not in problem.message and LINE.match(problem.message), problem.message
    for job in result.jobs:
        for path in ("job_name", "role_arn", "vpc_config.subnet_ids"):
            assert path in job.unknown or job.where[path].line is not None
        assert not (set(job.unknown) & set(job.attributes))


def test_a_file_that_is_not_utf8_is_one_line_with_its_line() -> None:
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "main.tf"), "wb") as handle:
            handle.write(b'a = "x"\nb = "\xff"\n')
        (problem,) = load_tf(folder).problems
    assert problem.message == f"{folder}/main.tf:2: not UTF-8 text (byte 0xff)"
