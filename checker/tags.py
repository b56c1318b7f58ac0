"""Tags (the ``hstore_csv`` column) in every form the sources carry them, decoded to ``{key: value}``:
maps, ``key:value`` lists, the Bedrock API's ``[{key, value}]``, PostgreSQL hstore text (quoted or bare),
Postgres array literals and comma-joined ``k:v`` text (:func:`normalize_tags`)."""

from __future__ import annotations

import re
from typing import Any

import orjson

_UNESCAPE = re.compile(r"\\(.)")
_HSTORE_SPACE = " \t\n\r\f\v"
_HSTORE_KEY_STOPS = frozenset(_HSTORE_SPACE + ',=>"')
_HSTORE_VALUE_STOPS = frozenset(_HSTORE_SPACE + ',"')


def _hstore_word(text: str, i: int, stops: frozenset[str]) -> tuple[str, bool, int] | None:
    """One key or value of hstore text from ``i`` (after whitespace): ``(text, quoted, next index)``, or
    ``None`` when there is none. Quoted: up to the closing ``"``; bare: up to one of ``stops`` (whitespace,
    ``,``, ``"``; and ``=``, ``>`` in a key; a bare value may hold them, as in PostgreSQL's hstore_io.c
    ``get_val``). A backslash takes the next character literally in both."""
    n = len(text)
    if i >= n:
        return None
    out: list[str] = []
    if text[i] == '"':
        i += 1
        while i < n and text[i] != '"':
            if text[i] == "\\" and i + 1 < n:
                i += 1
            out.append(text[i])
            i += 1
        return ("".join(out), True, i + 1) if i < n else None  # an unclosed quote: not hstore
    while i < n and text[i] not in stops:
        if text[i] == "\\" and i + 1 < n:
            i += 1
        out.append(text[i])
        i += 1
    return ("".join(out), False, i) if out else None


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in _HSTORE_SPACE:
        i += 1
    return i


def _parse_hstore(text: str) -> dict[str, str] | None:
    """hstore text as PostgreSQL reads it (``hstore`` input syntax, PostgreSQL docs F.18.1): ``key => value``
    pairs separated by commas, whitespace around them ignored; keys and values double-quoted or bare (a bare
    key cannot hold whitespace, ``,``, ``=``, ``>`` or ``"`` unless backslash-escaped, a bare value no
    whitespace, ``,`` or ``"``); a bare ``NULL`` value
    (any case) is SQL NULL, read as ``""`` (a tag without a value). ``'owner=>ml, cost-center=>cc-1'`` ->
    ``{"owner": "ml", "cost-center": "cc-1"}``. A key given twice keeps every value, sorted and comma-joined
    (the DDSQL multi-value convention). ``None`` if ``text`` is not hstore."""
    pairs: dict[str, list[str]] = {}
    i = _skip_space(text, 0)
    while i < len(text):
        key = _hstore_word(text, i, _HSTORE_KEY_STOPS)
        if key is None:
            return None
        i = _skip_space(text, key[2])
        if not text.startswith("=>", i):
            return None
        value = _hstore_word(text, _skip_space(text, i + 2), _HSTORE_VALUE_STOPS)
        if value is None:
            return None
        word, quoted, i = value
        pairs.setdefault(key[0], []).append("" if not quoted and word.upper() == "NULL" else word)
        i = _skip_space(text, i)
        if i < len(text):
            if text[i] != ",":
                return None
            i = _skip_space(text, i + 1)  # a trailing comma is allowed, as PostgreSQL allows it
    return {k: ",".join(sorted(v)) for k, v in pairs.items()}


def _parse_pg_array(text: str) -> list[str] | None:
    """Postgres array literal ``{"a:b",c:d}`` -> ``["a:b", "c:d"]``; ``None`` if it is not one."""
    inner = text[1:-1]
    items: list[str] = []
    for match in re.finditer(r'\s*(?:"((?:[^"\\]|\\.)*)"|([^,"]*))\s*(?:,|$)', inner):
        if match.end() == match.start():
            break
        quoted, bare = match.group(1), match.group(2)
        items.append(_UNESCAPE.sub(r"\1", quoted) if quoted is not None else bare.strip())
    return items if inner.strip() else []


def _tags_from_pairs(pairs: list[tuple[str, str]]) -> dict[str, str]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return {k: v[0] if len(v) == 1 else ",".join(sorted(v)) for k, v in grouped.items()}


def normalize_tags(value: Any) -> Any:
    """Tags in any accepted form -> ``{key: value}`` (``None`` stays ``None``).

    Accepted: a map (list values are sorted and comma-joined, the DDSQL convention for multi-valued
    tags); a list of ``"key:value"`` strings (split at the first ``:``; a key without ``:`` has value
    ``""``); a list of ``{"key": k, "value": v}`` (the Bedrock API; ``Key``/``Value`` too); hstore text
    ``"k"=>"v", ...``; JSON text of any of these; a Postgres array literal ``{"k:v",...}``; comma-joined
    ``k:v,k2:v2`` text (a piece without ``:`` continues the previous value, as multi-values do). Anything
    else is returned unchanged so the schema rejects it.
    """
    if value is None:
        return None
    if isinstance(value, dict):
        if all(type(item) is str for item in value.values()):
            return value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(item, list) and all(isinstance(v, str) for v in item):
                item = ",".join(sorted(item))
            out[str(key)] = item
        return out
    if isinstance(value, list):
        pairs: list[tuple[str, str]] = []
        for item in value:
            if isinstance(item, str):
                key, _, val = item.partition(":")
                pairs.append((key, val))
            elif isinstance(item, dict):
                tag_key = item.get("key", item.get("Key"))
                tag_value = item.get("value", item.get("Value", ""))
                if not isinstance(tag_key, str) or not isinstance(tag_value, str):
                    return value
                pairs.append((tag_key, tag_value))
            else:
                return value
        return _tags_from_pairs(pairs)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return {}
        if text[0] in "[{":
            try:
                return normalize_tags(orjson.loads(text))
            except orjson.JSONDecodeError:
                if text[0] == "{" and text[-1] == "}" and "=>" not in text:
                    items = _parse_pg_array(text)
                    return value if items is None else normalize_tags(items)
        if "=>" in text:
            parsed = _parse_hstore(text)
            return value if parsed is None else parsed
        if ":" in text.split(",", 1)[0]:
            merged: list[tuple[str, str]] = []
            for piece in text.split(","):
                piece = piece.strip()
                if ":" in piece:
                    key, _, val = piece.partition(":")
                    merged.append((key.strip(), val.strip()))
                elif merged:
                    key, val = merged[-1]
                    merged[-1] = (key, f"{val},{piece}")
            return _tags_from_pairs(merged)
        return value
    return value
