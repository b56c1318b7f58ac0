"""Values of evaluated HCL2 expressions: :class:`Unknown`, :class:`Namespace`, and Terraform's automatic
conversions between string, number and bool (developer.hashicorp.com/terraform/language/expressions/
type-constraints, "Conversion of Primitive Types").

Values: ``str``, ``int``/``float`` (number), ``bool``, ``None`` (null), ``list`` (tuple, list, set), ``dict``
(object, map), :class:`Unknown`, or a :class:`Namespace` that resolves ``.attr``/``[key]`` lazily.
"""

from __future__ import annotations

from typing import Any


class Unknown:
    """A value not known before apply; ``why`` says which reference or function made it so (or ``None``:
    the expression text alone says it)."""

    __slots__ = ("why",)

    def __init__(self, why: str | None = None) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"Unknown({self.why!r})"


class EvalError(Exception):
    """An expression Terraform would reject (wrong type, missing key ...): the value becomes unknown."""


class Namespace:
    """A lazily resolved object (``var``, ``local``, ``module.x``, a resource): override what applies."""

    def attr(self, name: str, text: str) -> Any:
        """``self.name``; ``text`` is the traversal as written (for unknown reasons)."""
        raise EvalError(f"{text}: unsupported attribute")

    def item(self, key: Any, text: str) -> Any:
        """``self[key]``."""
        raise EvalError(f"{text}: cannot be indexed")


def contains_unknown(value: Any) -> Unknown | None:
    """The first :class:`Unknown` inside ``value`` (itself, or in any list/dict), else ``None``."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        for item in value:
            found = contains_unknown(item)
            if found is not None:
                return found
    elif isinstance(value, dict):
        for item in value.values():
            found = contains_unknown(item)
            if found is not None:
                return found
    return None


def to_string(value: Any) -> str:
    """Terraform's automatic conversion of a primitive to string (``24`` -> ``"24"``, ``true`` -> ``"true"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    if value is None:
        raise EvalError("null value in a string")
    raise EvalError(f"cannot use a {'list' if isinstance(value, list) else 'map'} as a string")


def to_number(value: Any) -> int | float:
    """A number, or a string that is one (Terraform converts ``"24"`` to ``24``)."""
    if isinstance(value, bool) or value is None:
        raise EvalError(f"a number is required, not {to_display(value)}")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise EvalError(f"a number is required, not {value!r}") from None
        return int(number) if number.is_integer() and "." not in value and "e" not in value.lower() else number
    raise EvalError("a number is required, not a collection")


def to_bool(value: Any) -> bool:
    """A bool, or the strings ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise EvalError(f"a bool is required, not {to_display(value)}")


def to_display(value: Any) -> str:
    """A value for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
