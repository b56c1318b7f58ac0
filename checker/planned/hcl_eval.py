"""Evaluate HCL2 expressions (Lark trees from :mod:`checker.planned.hcl_parse`) to Python values.

Values: ``str``, ``int``/``float`` (number), ``bool``, ``None`` (null), ``list`` (tuple, list, set), ``dict``
(object, map), and :class:`Unknown` for anything known only after apply or not evaluated here (a
resource attribute no resolver knows, a variable without a value, an unsupported function, an
evaluation error). Unknown is contagious: an operation on an unknown operand is unknown, so a value is
never guessed. Names (``var``, ``local``, ``each``, resource types ...) are looked up through a
``roots`` callable; what they return may be a :class:`Namespace` that resolves ``.attr`` / ``[key]``
lazily (locals, module outputs, resources). Semantics follow Terraform's language documentation
(developer.hashicorp.com/terraform/language/expressions); the functions are in
:mod:`checker.planned.hcl_functions`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.planned.hcl_parse import expression_text
from checker.planned.hcl_values import (
    EvalError,
    Namespace,
    Unknown,
    contains_unknown,
    to_bool,
    to_display,
    to_number,
    to_string,
)


class Evaluator:
    """Evaluates expressions of one file (``source``) against ``roots`` (name -> value or Namespace;
    raises ``KeyError`` for an unknown name)."""

    def __init__(self, roots: Callable[[str], Any], source: str) -> None:
        self.roots = roots
        self.source = source

    def evaluate(self, expr: Any, bound: dict[str, Any] | None = None) -> Any:
        """The value of ``expr``; an evaluation error or a too-deep expression becomes :class:`Unknown`
        naming it (never raises)."""
        try:
            return self.eval(expr, bound or {})
        except EvalError as exc:
            return Unknown(str(exc))
        except RecursionError:
            return Unknown(f"{self.text(expr)}: nested too deeply to evaluate")

    def text(self, node: Any) -> str:
        """The source text of ``node``."""
        return expression_text(node, self.source)

    def eval(self, node: Any, bound: dict[str, Any]) -> Any:  # noqa: C901 - one dispatch over the grammar
        """Evaluate ``node`` (raises :class:`EvalError`)."""
        if not hasattr(node, "data"):
            raise EvalError(f"unexpected token {node!s}")
        kind = node.data
        kids = [c for c in node.children if not (hasattr(c, "data") and c.data == "new_line_or_comment")]
        if kind == "expr_term":
            inner = [c for c in kids if hasattr(c, "data")]
            return self.eval(inner[0], bound)
        if kind == "int_lit":
            return int(str(kids[0]))
        if kind == "float_lit":
            return float(str(kids[0]))
        if kind == "literal_value":
            return {"true": True, "false": False, "null": None}[str(kids[0])]
        if kind == "string":
            return self._template(kids, bound)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self._heredoc(str(kids[0]), kind == "heredoc_template_trim", node)
        if kind == "tuple":
            return [self.eval(c, bound) for c in kids if hasattr(c, "data")]
        if kind == "object":
            return self._object(kids, bound)
        if kind == "identifier":
            return self._root(str(kids[0]), bound, node)
        if kind == "get_attr_expr_term":
            return self.get_attr(self.eval(kids[0], bound), self._attr_name(kids[1]), self.text(node))
        if kind == "index_expr_term":
            return self.index(self.eval(kids[0], bound), self._index_key(kids[1], bound), self.text(node))
        if kind in ("attr_splat_expr_term", "full_splat_expr_term"):
            return self._splat(self.eval(kids[0], bound), kids[1], bound, node)
        if kind == "conditional":
            parts = [c for c in kids if hasattr(c, "data")]
            condition = self.eval(parts[0], bound)
            if isinstance(condition, Unknown):
                return condition
            return self.eval(parts[1] if to_bool(condition) else parts[2], bound)
        if kind == "binary_op":
            return self._binary(kids, bound)
        if kind == "unary_op":
            value = self.eval(kids[1], bound)
            if isinstance(value, Unknown):
                return value
            return (not to_bool(value)) if str(kids[0]) == "!" else -to_number(value)
        if kind == "function_call":
            return self._call(kids, bound, node)
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self._for(kind, kids, bound, node)
        if kind == "interpolation":
            return self.eval(kids[1], bound)
        raise EvalError(f"{self.text(node)}: this kind of expression is not evaluated by bedrock-audit")

    # -- names and traversals ---------------------------------------------------------------------
    def _root(self, name: str, bound: dict[str, Any], node: Any) -> Any:
        if name in bound:
            return bound[name]
        try:
            return self.roots(name)
        except KeyError:
            raise EvalError(f"{name}: not a name Terraform knows here") from None

    @staticmethod
    def _attr_name(get_attr: Any) -> str:
        target = [c for c in get_attr.children if hasattr(c, "data")][0]
        return "".join(str(t) for t in target.children)

    def _index_key(self, index: Any, bound: dict[str, Any]) -> Any:
        if index.data == "short_index":
            return int(str(index.children[-1]))
        return self.eval([c for c in index.children if hasattr(c, "data") and c.data != "new_line_or_comment"][0],
                         bound)

    def get_attr(self, obj: Any, name: str, text: str) -> Any:
        """``obj.name`` (an object's key or a Namespace attribute)."""
        if isinstance(obj, Unknown):
            return obj
        if isinstance(obj, Namespace):
            return obj.attr(name, text)
        if isinstance(obj, dict):
            if name in obj:
                return obj[name]
            raise EvalError(f"{text}: no attribute {name!r}")
        raise EvalError(f"{text}: {to_display(obj)} has no attributes")

    def index(self, obj: Any, key: Any, text: str) -> Any:
        """``obj[key]`` (a list position, a map key, or a Namespace item)."""
        if isinstance(obj, Unknown):
            return obj
        if isinstance(key, Unknown):
            return key
        if isinstance(obj, Namespace):
            return obj.item(key, text)
        if isinstance(obj, list):
            position = to_number(key)
            if not isinstance(position, int) or not 0 <= position < len(obj):
                raise EvalError(f"{text}: index {to_display(key)} out of range (length {len(obj)})")
            return obj[position]
        if isinstance(obj, dict):
            name = to_string(key)
            if name in obj:
                return obj[name]
            raise EvalError(f"{text}: no key {name!r}")
        raise EvalError(f"{text}: {to_display(obj)} cannot be indexed")

    def _splat(self, obj: Any, splat: Any, bound: dict[str, Any], node: Any) -> Any:
        if isinstance(obj, Unknown):
            return obj
        items = obj if isinstance(obj, list) else ([] if obj is None else [obj])
        steps = [c for c in splat.children if hasattr(c, "data")]
        text = self.text(node)
        result = []
        for item in items:
            for step in steps:
                if step.data == "get_attr":
                    item = self.get_attr(item, self._attr_name(step), text)
                else:
                    item = self.index(item, self._index_key(step, bound), text)
            result.append(item)
        return result

    # -- composite values -------------------------------------------------------------------------
    def _template(self, kids: list[Any], bound: dict[str, Any]) -> Any:
        from hcl2.utils import process_escape_sequences

        pieces: list[str] = []
        for part in kids:
            if not (hasattr(part, "data") and part.data == "string_part"):
                continue
            piece = part.children[0]
            if hasattr(piece, "data"):
                if piece.data != "interpolation":
                    raise EvalError(f"{self.text(piece)}: template directives are not evaluated by bedrock-audit")
                value = self.eval(piece, bound)
                if isinstance(value, Unknown):
                    return value
                pieces.append(to_string(value))
            elif piece.type in ("ESCAPED_INTERPOLATION", "ESCAPED_DIRECTIVE"):
                pieces.append(str(piece)[1:])
            else:
                pieces.append(process_escape_sequences(str(piece)))
        return "".join(pieces)

    def _heredoc(self, token: str, trim: bool, node: Any) -> Any:
        first, _, rest = token.partition("\n")
        marker = first[3:] if trim else first[2:]
        lines = rest.rstrip("\r\n").split("\n")
        lines = lines[:-1] if lines and lines[-1].strip() == marker.strip() else lines
        if trim:
            indents = [len(x) - len(x.lstrip(" \t")) for x in lines if x.strip()]
            cut = min(indents, default=0)
            lines = [x[cut:] for x in lines]
        body = "\n".join(x.rstrip("\r") for x in lines) + ("\n" if lines else "")
        if "${" in body.replace("$${", "") or "%{" in body.replace("%%{", ""):
            raise EvalError(f"{self.text(node)}: interpolation in a heredoc is not evaluated by bedrock-audit")
        return body.replace("$${", "${").replace("%%{", "%{")

    def _object(self, kids: list[Any], bound: dict[str, Any]) -> Any:
        result: dict[str, Any] = {}
        for elem in kids:
            if not (hasattr(elem, "data") and elem.data == "object_elem"):
                continue
            parts = [c for c in elem.children if hasattr(c, "data")]
            key_node, value_node = parts[0], parts[-1]
            key = self._object_key(key_node, bound)
            if isinstance(key, Unknown):
                return key
            result[to_string(key)] = self.eval(value_node, bound)
        return result

    def _object_key(self, key_node: Any, bound: dict[str, Any]) -> Any:
        inner = [c for c in key_node.children if hasattr(c, "data")][0]
        if inner.data == "keyword":
            return "".join(str(t) for t in inner.children)
        term = inner
        while term.data == "expr_term" and len(term.children) == 1 and hasattr(term.children[0], "data"):
            term = term.children[0]
        if term.data == "identifier":  # a bare name is the key itself, not a variable
            return str(term.children[0])
        return self.eval(inner, bound)

    def _for(self, kind: str, kids: list[Any], bound: dict[str, Any], node: Any) -> Any:
        trees = [c for c in kids if hasattr(c, "data")]
        intro = trees[0]
        names = [str(c.children[0]) for c in intro.children if hasattr(c, "data") and c.data == "identifier"]
        source = [c for c in intro.children
                  if hasattr(c, "data") and c.data not in ("identifier", "new_line_or_comment")]
        collection = self.eval(source[0], bound)
        if isinstance(collection, Unknown):
            return collection
        condition = trees[-1] if trees[-1].data == "for_cond" else None
        body = trees[1:-1] if condition is not None else trees[1:]
        grouping = any(str(t) == "..." for t in kids if not hasattr(t, "data"))
        if isinstance(collection, dict):
            pairs = list(collection.items())
        elif isinstance(collection, list):
            pairs = list(enumerate(collection))
        else:
            raise EvalError(f"{self.text(node)}: a for expression needs a list or map")
        tuple_result: list[Any] = []
        object_result: dict[str, Any] = {}
        for key, value in pairs:
            scope = dict(bound)
            if len(names) == 2:
                scope[names[0]], scope[names[1]] = key, value
            else:
                scope[names[0]] = value
            if condition is not None:
                keep = self.eval([c for c in condition.children if hasattr(c, "data")][-1], scope)
                if isinstance(keep, Unknown):
                    return keep
                if not to_bool(keep):
                    continue
            if kind == "for_tuple_expr":
                tuple_result.append(self.eval(body[0], scope))
                continue
            out_key = self.eval(body[0], scope)
            if isinstance(out_key, Unknown):
                return out_key
            out_value = self.eval(body[1], scope)
            name = to_string(out_key)
            if grouping:
                object_result.setdefault(name, []).append(out_value)
            elif name in object_result:
                raise EvalError(f"{self.text(node)}: duplicate key {name!r} (use ... to group)")
            else:
                object_result[name] = out_value
        return tuple_result if kind == "for_tuple_expr" else object_result

    # -- operators and functions ------------------------------------------------------------------
    def _binary(self, kids: list[Any], bound: dict[str, Any]) -> Any:
        left_node, term = kids[0], kids[1]
        term_kids = [c for c in term.children if hasattr(c, "data") and c.data != "new_line_or_comment"]
        operator = str(term_kids[0].children[0])
        left = self.eval(left_node, bound)
        if operator in ("&&", "||") and not isinstance(left, Unknown) and to_bool(left) == (operator == "||"):
            return to_bool(left)
        right = self.eval(term_kids[1], bound)
        if isinstance(left, Unknown):
            return left
        if isinstance(right, Unknown):
            return right
        if operator in ("&&", "||"):
            return to_bool(right)
        if operator in ("==", "!="):
            return (left == right and type(left) is type(right) or _same_number(left, right)) == (operator == "==")
        a, b = to_number(left), to_number(right)
        if operator in ("/", "%") and b == 0:
            raise EvalError("division by zero")
        result = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
                  "%": lambda: a % b, "<": lambda: a < b, ">": lambda: a > b, "<=": lambda: a <= b,
                  ">=": lambda: a >= b}[operator]()
        if isinstance(result, float) and not isinstance(result, bool) and result.is_integer() and operator != "/":
            return int(result)
        return result

    def _call(self, kids: list[Any], bound: dict[str, Any], node: Any) -> Any:
        from checker.planned.hcl_functions import FUNCTIONS, LAZY

        names = [str(c.children[0]) for c in kids if hasattr(c, "data") and c.data == "identifier"]
        name = "::".join(names)
        arguments = [c for c in kids if hasattr(c, "data") and c.data == "arguments"]
        arg_nodes = [c for c in arguments[0].children if hasattr(c, "data") and c.data != "new_line_or_comment"] \
            if arguments else []
        expand = bool(arguments) and any(str(t) == "..." for t in arguments[0].children if not hasattr(t, "data"))
        if name in LAZY:
            return LAZY[name](self, arg_nodes, bound)
        function = FUNCTIONS.get(name)
        if function is None:
            return Unknown(f"{self.text(node)}: the function {name}() is not evaluated by bedrock-audit")
        args = [self.eval(a, bound) for a in arg_nodes]
        if expand:
            if isinstance(args[-1], Unknown):
                return args[-1]
            if not isinstance(args[-1], list):
                raise EvalError(f"{self.text(node)}: ... needs a list")
            args = args[:-1] + args[-1]
        for arg in args:
            unknown = contains_unknown(arg)
            if unknown is not None:
                return unknown
        try:
            return function(*args)
        except EvalError as exc:
            raise EvalError(f"{self.text(node)}: {exc}") from None
        except (TypeError, ValueError, KeyError, IndexError, OverflowError, AttributeError) as exc:
            raise EvalError(f"{self.text(node)}: {name}() cannot take these arguments ({exc})") from None


def _same_number(left: Any, right: Any) -> bool:
    return (isinstance(left, (int, float)) and isinstance(right, (int, float))
            and not isinstance(left, bool) and not isinstance(right, bool) and left == right)
