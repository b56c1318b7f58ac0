"""HCL expressions as Terraform evaluates them, and unknown where they cannot be known (hcl_eval)."""

from __future__ import annotations

from typing import Any

import pytest

from checker.planned.hcl_eval import Evaluator
from checker.planned.hcl_parse import parse_hcl
from checker.planned.hcl_values import Unknown

ROOTS: dict[str, Any] = {"var": {"env": "dev", "n": 3, "ids": ["a", "b"]}, "local": {"m": {"k": [5]}},
                         "aws_iam_role": Unknown("aws_iam_role.x.arn is known only after apply")}


def value(expression: str) -> Any:
    body = parse_hcl(f"v = {expression}\n", "t.tf")
    attr = body.attrs["v"]
    return Evaluator(ROOTS.__getitem__, attr.source).evaluate(attr.expr)


@pytest.mark.parametrize(("expression", "expected"), [
    ('"${var.env}-nightly"', "dev-nightly"),
    ('format("%s-%03d", "x", 7)', "x-007"),
    ('[for k, v in {a = 1, b = 2} : "${k}=${v}" if v > 1]', ["b=2"]),
    ('{for s in ["x", "y"] : s => upper(s)}', {"x": "X", "y": "Y"}),
    ("1 + 2 * 3", 7),
    ('var.env == "dev" ? "a" : "b"', "a"),
    ("[{n = 1}, {n = 2}][*].n", [1, 2]),
    ('try(var.nope, "fallback")', "fallback"),
    ('join(",", var.ids)', "a,b"),
    (r'"a\nb\"c $${x}"', 'a\nb"c ${x}'),
    ('local.m["k"][0]', 5),
    ("10 / 4", 2.5),
    ("-var.n", -3),
    ("!true || false", False),
    ('lookup({a = "1"}, "b", "none")', "none"),
    ('merge({a = 1}, {b = 2})', {"a": 1, "b": 2}),
    ('coalesce("", "x")', "x"),
    ('length(concat(var.ids, ["c"]))', 3),
    ('toset(["b", "a", "b"])', ["a", "b"]),
    ('replace("a-b-c", "-", "_")', "a_b_c"),
    ('jsonencode({a = [1, true]})', '{"a":[1,true]}'),
    ('"n=${var.n}, on=${true}"', "n=3, on=true"),
    ('{"quoted key" = 1, bare = 2}', {"quoted key": 1, "bare": 2}),
])
def test_known_values(expression: str, expected: Any) -> None:
    assert value(expression) == expected


def test_heredoc_with_indent_trim() -> None:
    body = parse_hcl("v = <<-EOT\n    hi $${x}\n    there\n  EOT\n", "t.tf")
    assert Evaluator(ROOTS.__getitem__, body.attrs["v"].source).evaluate(body.attrs["v"].expr) == "hi ${x}\nthere\n"


@pytest.mark.parametrize(("expression", "why"), [
    ("lower(aws_iam_role.x.arn)", "aws_iam_role.x.arn is known only after apply"),
    ('templatefile("x", {})', 'templatefile("x", {}): the function templatefile() is not evaluated by bedrock-audit'),
    ('"${var.nope}"', "var.nope: no attribute 'nope'"),
    ("var.ids[5]", "var.ids[5]: index 5 out of range (length 2)"),
    ('1 + "x"', "a number is required, not 'x'"),
    ("nosuch.thing", "nosuch: not a name Terraform knows here"),
    ("1 / 0", "division by zero"),
    ('"%{if true}x%{endif}"', "%{if true}: template directives are not evaluated by bedrock-audit"),
])
def test_unknown_values_say_why(expression: str, why: str) -> None:
    result = value(expression)
    assert isinstance(result, Unknown)
    assert result.why == why


def test_unknown_is_contagious_but_a_decided_condition_is_not() -> None:
    assert isinstance(value('"arn=${aws_iam_role.x.arn}"'), Unknown)
    assert value('["a", aws_iam_role.x.arn]')[0] == "a"  # kept element-wise; the loader makes the whole list unknown
    assert value('var.env == "dev" ? "known" : aws_iam_role.x.arn') == "known"
    assert value("false && aws_iam_role.x.arn") is False


def test_deep_expression_is_refused_as_one_line() -> None:
    from checker.planned.hcl_parse import HclError

    with pytest.raises(HclError, match=r"^t\.tf:1: brackets nested deeper than 200 levels$"):
        parse_hcl("v = " + "[" * 250 + "]" * 250, "t.tf")
    assert value("[" * 150 + "]" * 150) is not None
