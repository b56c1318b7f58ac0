"""HCL2 text -> blocks and attributes with their lines (python-hcl2's grammar, imported only when used).

python-hcl2 (8.x) parses with a Lark LALR parser built with ``propagate_positions=True``; its
``with_meta`` serialisation option adds no line numbers in 8.1.4, so this module walks the raw Lark
tree (``hcl2.parses_to_tree``) instead: every block and attribute keeps its 1-based line, and every
expression keeps its Lark tree (evaluated by :mod:`checker.planned.hcl_eval`) and its source text (quoted
in "unknown" reasons exactly as the user wrote it).

A syntax error is one :class:`HclError` whose message is ``FILE:LINE:COLUMN: what was wrong``; nothing
else escapes :func:`parse_hcl`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_NESTING = 200
"""Deepest bracket nesting read; deeper text is refused as a syntax error (Python's recursion limit is
1000 frames and the evaluator recurses per level)."""


class HclError(Exception):
    """A ``.tf``/``.tfvars`` file that cannot be read; ``str(exc)`` is one line ``FILE:LINE[:COL]: reason``."""

    def __init__(self, file: str, line: int | None, message: str, column: int | None = None) -> None:
        place = file if line is None else f"{file}:{line}" + (f":{column}" if column else "")
        super().__init__(f"{place}: {message}")
        self.file = file
        self.line = line


@dataclass
class Attr:
    """``name = expression`` at ``line``; ``expr`` is the Lark tree, ``text`` the expression as written,
    ``source`` the whole file's text (shared; sub-expressions quote their text from it)."""

    name: str
    expr: Any
    line: int
    text: str
    source: str = field(repr=False, default="")


@dataclass
class Body:
    """The inside of a file or block: attributes by name (unique) and nested blocks in order."""

    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Block:
    """``type "label" ... { body }`` starting at ``line`` of ``file``."""

    type: str
    labels: tuple[str, ...]
    body: Body
    line: int
    file: str

    def children(self, type_: str) -> list[Block]:
        """The nested blocks of one type, in order."""
        return [b for b in self.body.blocks if b.type == type_]


def parse_hcl(text: str, file: str) -> Body:
    """Parse HCL2 ``text`` (a ``.tf`` or ``.tfvars`` file named ``file`` in messages) into a :class:`Body`.

    Raises :class:`HclError` (one line with file, line and column) for a syntax error, a duplicate
    attribute, a block label with an interpolation, or nesting deeper than :data:`MAX_NESTING`.
    """
    _check_nesting(text, file)
    try:
        import hcl2  # python-hcl2: a maintained HCL2 parser (README, "Dependencies")
        from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
    except ImportError as exc:  # pragma: no cover - a broken install
        raise HclError(file, None, f"cannot read .tf files: python-hcl2 is not installed ({exc})") from None
    source = text + "\n"  # python-hcl2 appends the same newline before parsing (lark issue 237)
    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedToken as exc:
        raise HclError(file, exc.line if exc.line > 0 else _last_line(text), _unexpected(exc.token, exc.expected),
                       exc.column if exc.column > 0 else None) from None
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream if isinstance(exc.pos_in_stream, int) else -1
        raise HclError(file, exc.line, f"unexpected character {source[pos]!r}"
                       if 0 <= pos < len(source) else "unexpected character", exc.column) from None
    except UnexpectedEOF:
        raise HclError(file, _last_line(text), "unexpected end of file (an unclosed block, string or bracket?)") \
            from None
    except UnexpectedInput as exc:
        raise HclError(file, getattr(exc, "line", None) or None, "syntax error") from None
    except RecursionError:
        raise HclError(file, None, "nested too deeply to read") from None
    except Exception as exc:  # noqa: BLE001 - python-hcl2's post-lexer/heredoc checks raise plain errors
        raise HclError(file, _last_line(text), f"cannot parse: {str(exc).splitlines()[0] if str(exc) else exc!r}") \
            from None
    return _body(tree.children[0], source, file)


def _check_nesting(text: str, file: str) -> None:
    depth = 0
    line = 1
    for char in text:
        if char in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise HclError(file, line, f"brackets nested deeper than {MAX_NESTING} levels")
        elif char in ")]}":
            depth -= 1
        elif char == "\n":
            line += 1


def _last_line(text: str) -> int:
    return text.count("\n") + 1


_TOKEN_WORDS = {"$END": "end of file", "RBRACE": "'}'", "LBRACE": "'{'", "EQ": "'='", "NAME": "a name",
                "DBLQUOTE": "'\"'", "INTERP_START": "'${'", "STRING_CHARS": "text", "NL_OR_COMMENT": "end of line"}


def _unexpected(token: Any, expected: Any) -> str:
    kind = getattr(token, "type", "")
    if kind == "$END":
        found = "end of file"
    else:
        value = str(token).strip()
        found = repr(value[:30]) if value else _TOKEN_WORDS.get(kind, kind or "token")
    wanted = sorted(_TOKEN_WORDS[e] for e in (expected or ()) if e in _TOKEN_WORDS)
    hint = f" (expected {' or '.join(wanted)})" if wanted and len(wanted) <= 3 else ""
    return f"unexpected {found}{hint}"


def _is_tree(node: Any, *names: str) -> bool:
    return hasattr(node, "data") and (not names or node.data in names)


def _name(node: Any) -> str:
    """The text of an ``identifier`` / ``keyword`` / ``literal_value`` node (an attribute or block name)."""
    return "".join(str(t) for t in node.children)


def _body(node: Any, source: str, file: str) -> Body:
    body = Body()
    for child in node.children:
        if _is_tree(child, "attribute"):
            parts = [c for c in child.children if _is_tree(c) and c.data != "new_line_or_comment"]
            name, expr = _name(parts[0]), parts[-1]
            line = child.meta.line
            if name in body.attrs:
                raise HclError(file, line, f"attribute {name!r} is set twice (first at line {body.attrs[name].line})")
            body.attrs[name] = Attr(name, expr, line, expression_text(expr, source), source)
        elif _is_tree(child, "block"):
            body.blocks.append(_block(child, source, file))
    for block in body.blocks:
        if block.type in body.attrs:
            raise HclError(file, block.line, f"{block.type!r} is both an attribute and a block")
    return body


def _block(node: Any, source: str, file: str) -> Block:
    names: list[str] = []
    inner: Any = None
    for child in node.children:
        if _is_tree(child, "identifier", "keyword", "literal_value"):
            names.append(_name(child))
        elif _is_tree(child, "string"):
            names.append(_label(child, file))
        elif _is_tree(child, "body"):
            inner = child
    return Block(names[0], tuple(names[1:]), _body(inner, source, file) if inner is not None else Body(),
                 node.meta.line, file)


def _label(node: Any, file: str) -> str:
    from hcl2.utils import process_escape_sequences

    text = []
    for part in node.children:
        if _is_tree(part, "string_part"):
            piece = part.children[0]
            if _is_tree(piece):
                raise HclError(file, node.meta.line, "a block label cannot contain an interpolation")
            text.append(process_escape_sequences(str(piece)))
    return "".join(text)


def expression_text(expr: Any, source: str) -> str:
    """The source text of an expression tree (whitespace runs collapsed, at most 200 characters)."""
    meta = getattr(expr, "meta", None)
    if meta is None or getattr(meta, "empty", True):
        return str(expr)
    text = " ".join(source[meta.start_pos:meta.end_pos].split())
    return text if len(text) <= 200 else text[:197] + "..."
