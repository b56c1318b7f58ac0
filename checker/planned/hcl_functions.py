"""The Terraform functions bedrock-audit evaluates (the cheap ones realistic configurations use).

Semantics from developer.hashicorp.com/terraform/language/functions. Any other function makes its value
:class:`~checker.planned.hcl_eval.Unknown` naming it (the evaluator's job), never a guess. A function
given arguments Terraform would refuse raises :class:`~checker.planned.hcl_eval.EvalError` or a plain
``TypeError``/``ValueError`` (the evaluator turns both into an unknown value naming the call).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

from checker.planned.hcl_eval import Evaluator
from checker.planned.hcl_values import EvalError, Unknown, contains_unknown, to_number, to_string


def _format(spec: str, *args: Any) -> str:
    """``format("%s-%03d", a, b)``: the verbs %s %d %v %q %f %t with flags/width, and %%."""
    values = list(args)
    out: list[str] = []

    def verb(match: re.Match[str]) -> str:
        flags, width, precision, kind = match.groups()
        if kind == "%":
            return "%"
        if not values:
            raise EvalError("format: not enough arguments")
        value = values.pop(0)
        if kind in ("s", "v"):
            text = to_string(value) if not isinstance(value, (list, dict)) else json.dumps(value)
            python = "s"
        elif kind == "q":
            text, python = json.dumps(to_string(value)), "s"
        elif kind == "t":
            text, python = to_string(bool(value)), "s"
        elif kind == "d":
            number = to_number(value)
            if not float(number).is_integer():
                raise EvalError(f"format: %d needs a whole number, not {number}")
            return f"%{flags}{width}d" % int(number)
        else:
            return f"%{flags}{width}{precision or ''}{kind}" % float(to_number(value))
        return f"%{flags}{width}{precision or ''}{python}" % text

    out.append(re.sub(r"%([-+ 0#]*)(\d*)(\.\d+)?([sdvqtfeEgG%])", verb, spec))
    if values:
        raise EvalError("format: too many arguments")
    return "".join(out)


def _join(separator: str, *lists: list[Any]) -> str:
    return separator.join(to_string(item) for items in lists for item in items)


def _merge(*maps: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for item in maps:
        if item is None:
            continue
        if not isinstance(item, dict):
            raise EvalError("merge: arguments must be maps or objects")
        result.update(item)
    return result


def _lookup(mapping: dict[str, Any], key: str, *default: Any) -> Any:
    if key in mapping:
        return mapping[key]
    if default:
        return default[0]
    raise EvalError(f"lookup: no key {key!r} and no default")


def _coalesce(*values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise EvalError("coalesce: no non-null, non-empty argument")


def _set(values: list[Any]) -> list[Any]:
    result: list[Any] = []
    for value in values:
        if value not in result:
            result.append(value)
    return sorted(result, key=lambda v: (str(type(v)), str(v))) if all(isinstance(v, str) for v in result) else result


def _flatten(values: list[Any]) -> list[Any]:
    result: list[Any] = []
    for value in values:
        result.extend(_flatten(value) if isinstance(value, list) else [value])
    return result


def _element(values: list[Any], index: Any) -> Any:
    if not values:
        raise EvalError("element: empty list")
    return values[int(to_number(index)) % len(values)]


def _one(values: list[Any]) -> Any:
    if len(values) > 1:
        raise EvalError("one: more than one element")
    return values[0] if values else None


def _range(*bounds: Any) -> list[Any]:
    numbers = [to_number(b) for b in bounds]
    start, stop, step = (0, numbers[0], 1) if len(numbers) == 1 else (numbers + [1])[:3]
    if step == 0 or abs((stop - start) / step) > 1024:
        raise EvalError("range: too many elements (limit 1024)")
    result, value = [], start
    while (value < stop) if step > 0 else (value > stop):
        result.append(value)
        value += step
    return result


def _substr(text: str, offset: Any, length: Any) -> str:
    start, count = int(to_number(offset)), int(to_number(length))
    if start < 0:
        start = max(len(text) + start, 0)
    return text[start:] if count == -1 else text[start:start + count]


def _replace(text: str, old: str, new: str) -> str:
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return re.sub(old[1:-1], re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", new), text)
    return text.replace(old, new)


def _tomap(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise EvalError("tomap: needs a map or object")
    return value


def _tolist(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise EvalError("tolist: needs a list, set or tuple")
    return value


def _length(value: Any) -> int:
    if not isinstance(value, (list, dict, str)):
        raise EvalError("length: needs a collection or string")
    return len(value)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "format": _format,
    "join": _join,
    "lower": lambda s: to_string(s).lower(),
    "upper": lambda s: to_string(s).upper(),
    "title": lambda s: to_string(s).title(),
    "trimspace": lambda s: to_string(s).strip(),
    "trim": lambda s, chars: to_string(s).strip(chars),
    "trimprefix": lambda s, p: to_string(s).removeprefix(p),
    "trimsuffix": lambda s, p: to_string(s).removesuffix(p),
    "startswith": lambda s, p: to_string(s).startswith(p),
    "endswith": lambda s, p: to_string(s).endswith(p),
    "replace": _replace,
    "split": lambda sep, s: to_string(s).split(sep),
    "substr": _substr,
    "tostring": lambda v: None if v is None else to_string(v),
    "tonumber": lambda v: None if v is None else to_number(v),
    "tobool": lambda v: None if v is None else (v if isinstance(v, bool) else {"true": True, "false": False}[v]),
    "tolist": _tolist,
    "toset": lambda v: _set(_tolist(v)),
    "tomap": _tomap,
    "concat": lambda *ls: [x for items in ls for x in _tolist(items)],
    "merge": _merge,
    "lookup": _lookup,
    "element": _element,
    "length": _length,
    "keys": lambda m: sorted(_tomap(m)),
    "values": lambda m: [m[k] for k in sorted(_tomap(m))],
    "contains": lambda items, v: v in _tolist(items),
    "coalesce": _coalesce,
    "compact": lambda items: [x for x in _tolist(items) if x not in (None, "")],
    "distinct": lambda items: [json.loads(x) for x in dict.fromkeys(json.dumps(x, sort_keys=True)
                                                                    for x in _tolist(items))],
    "flatten": _flatten,
    "reverse": lambda items: list(reversed(_tolist(items))),
    "sort": lambda items: sorted(to_string(x) for x in items),
    "zipmap": lambda ks, vs: dict(zip([to_string(k) for k in ks], vs, strict=True)),
    "one": _one,
    "range": _range,
    "max": lambda *ns: max(to_number(n) for n in ns),
    "min": lambda *ns: min(to_number(n) for n in ns),
    "abs": lambda n: abs(to_number(n)),
    "ceil": lambda n: math.ceil(to_number(n)),
    "floor": lambda n: math.floor(to_number(n)),
    "jsonencode": lambda v: json.dumps(v, separators=(",", ":")),
    "jsondecode": lambda s: json.loads(s),
}
"""Eager functions: called only when no argument is (or contains) an unknown value."""


def _try(evaluator: Evaluator, args: list[Any], bound: dict[str, Any]) -> Any:
    """``try(a, b, ...)``: the first argument that evaluates without error; an unknown one stays unknown
    (Terraform cannot decide before apply whether it would fail)."""
    last = "try: no arguments"
    for node in args:
        try:
            value = evaluator.eval(node, bound)
        except EvalError as exc:
            last = str(exc)
            continue
        return value
    raise EvalError(f"try: every argument failed ({last})")


def _can(evaluator: Evaluator, args: list[Any], bound: dict[str, Any]) -> Any:
    """``can(expr)``: whether ``expr`` evaluates without error (unknown if it is unknown)."""
    if len(args) != 1:
        raise EvalError("can: takes one argument")
    try:
        value = evaluator.eval(args[0], bound)
    except EvalError:
        return False
    unknown = contains_unknown(value)
    return unknown if isinstance(unknown, Unknown) else True


LAZY: dict[str, Callable[[Evaluator, list[Any], dict[str, Any]], Any]] = {"try": _try, "can": _can}
"""Functions that see their argument expressions unevaluated."""
