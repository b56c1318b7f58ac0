"""A string writer for one junit-xml ``TestSuite``: the bytes ``ElementTree.tostring(suite.build_xml_doc())``
gives, without building the element tree (issue 16: the tree and its serialisation were ≈ 35 µs of a
JUnit report's ≈ 67 µs a job).

junit-xml still builds each ``TestSuite`` and ``TestCase`` (DESIGN names it); only the serialisation is
ours. It follows junit-xml 1.9's ``TestSuite.build_xml_doc`` attribute by attribute and element by
element, and ``xml.etree.ElementTree``'s escaping (``_escape_attrib``, ``_escape_cdata`` of Python 3.11+),
with the report's two adjustments: no ``disabled`` attribute, the suite's ``time`` given by the caller, and
``time="0.000000"`` on a testcase that has none. ``tests/test_junit_writer.py`` compares it byte for byte
with junit-xml's own output on generated suites and validates it against the Jenkins XSD.
"""

from __future__ import annotations

import re
from typing import Any

_ATTRIB = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"),
           ("\t", "&#09;"))
_CDATA = _ATTRIB[:3]
_ATTRIB_SPECIAL = re.compile('[&<>"\r\n\t]').search
_CDATA_SPECIAL = re.compile("[&<>]").search


def _attr(value: Any) -> str:
    """``str(value)`` escaped as ElementTree's ``_escape_attrib`` escapes an attribute value."""
    text = str(value)
    if _ATTRIB_SPECIAL(text) is None:
        return text
    for char, entity in _ATTRIB:  # "&" first, then each character it tests for, as ElementTree does
        if char in text:
            text = text.replace(char, entity)
    return text


_NAMES: dict[str, str] = {}
"""Escaped testcase names and classnames (rule names and ids: a few per run; bounded by ``_NAMES_MAX``)."""
_NAMES_MAX = 1024


def _name(value: Any) -> str:
    """:func:`_attr` of a value that recurs on every job (a rule's name or id), escaped once."""
    escaped = _NAMES.get(value) if type(value) is str else None
    if escaped is None:
        escaped = _attr(value)
        if type(value) is str and len(_NAMES) < _NAMES_MAX:
            _NAMES[value] = escaped
    return escaped


def _cdata(value: Any) -> str:
    """``str(value)`` escaped as ElementTree's ``_escape_cdata`` escapes text."""
    text = str(value)
    if _CDATA_SPECIAL(text) is None:
        return text
    for char, entity in _CDATA:
        if char in text:
            text = text.replace(char, entity)
    return text


def _element(tag: str, attributes: str, text: Any = None) -> str:
    """``<tag a="v" />`` or ``<tag a="v">text</tag>`` as ElementTree writes them (``text`` falsy: empty);
    ``attributes`` already written (`` a="v"``)."""
    if text:
        return f"<{tag}{attributes}>{_cdata(text)}</{tag}>"
    return f"<{tag}{attributes} />"


_SUITE_OPTIONAL = ("hostname", "id", "package", "timestamp", "file", "log", "url")


def suite_xml(suite: Any, time: str) -> str:
    """:func:`suite_xml_counts` without the counts."""
    return suite_xml_counts(suite, time)[0]


def suite_xml_counts(suite: Any, time: str) -> tuple[str, int, int]:
    """``(text, failures, errors)``: one ``<testsuite>`` element of junit-xml ``suite`` as text (no XML
    declaration, no newline) and its ``failures`` and ``errors`` counts.

    The text is what ``ET.tostring(suite.build_xml_doc(), encoding="unicode")`` gives after the element's
    ``disabled`` attribute is removed, its ``time`` set to ``time`` (text, e.g. ``"0.012"``) and
    ``time="0.000000"`` added to each testcase without one. Values are written as ``str()`` of them, as
    junit-xml's ``decode`` does on Python 3; XML-illegal characters must have been removed by the caller
    (``checker.reporters.junit.xml_safe``), as for ElementTree. Counts as junit-xml's ``is_error``,
    ``is_failure`` and ``is_skipped`` count (an entry without message and output does not count)."""
    errors = failures = skipped = assertions = 0
    asserted = False
    body = []
    for case in suite.test_cases:
        if case.assertions:
            asserted = True
            assertions += int(case.assertions)
        if case.failures and any(f["message"] or f["output"] for f in case.failures):
            failures += 1
        if case.errors and any(e["message"] or e["output"] for e in case.errors):
            errors += 1
        if case.skipped:
            skipped += 1
        body.append(_case(case))
    head = f' assertions="{assertions}"' if asserted else ""
    head += (f' errors="{errors}" failures="{failures}" name="{_attr(suite.name)}" skipped="{skipped}" '
             f'tests="{len(suite.test_cases)}" time="{_attr(time)}"')
    for name in _SUITE_OPTIONAL:
        value = getattr(suite, name)
        if value:
            head += f' {name}="{_attr(value)}"'
    parts = []
    if suite.properties:
        parts.append("<properties>" + "".join(f'<property name="{_attr(k)}" value="{_attr(v)}" />'
                                              for k, v in suite.properties.items()) + "</properties>")
    if suite.stdout:
        parts.append(_element("system-out", "", suite.stdout))
    if suite.stderr:
        parts.append(_element("system-err", "", suite.stderr))
    if not parts and not body:
        return f"<testsuite{head} />", failures, errors
    return f"<testsuite{head}>{''.join(parts)}{''.join(body)}</testsuite>", failures, errors


def _case(case: Any) -> str:
    text = f'<testcase name="{_name(case.name)}"'
    if case.assertions:
        text += f' assertions="{case.assertions:d}"'
    elapsed = case.elapsed_sec
    if elapsed:
        text += f' time="{elapsed:f}"'
    if case.timestamp:
        text += f' timestamp="{_attr(case.timestamp)}"'
    if case.classname:
        text += f' classname="{_name(case.classname)}"'
    if case.status or case.category or case.file or case.line or case.log or case.url:
        for value, name in ((case.status, "status"), (case.category, "class"), (case.file, "file"),
                            (case.line, "line"), (case.log, "log"), (case.url, "url")):
            if value:
                text += f' {name}="{_attr(value)}"'
    if not elapsed:
        text += ' time="0.000000"'
    if not (case.failures or case.errors or case.skipped or case.stdout or case.stderr):
        return text + " />"
    inner = []
    for kind, entries in (("failure", case.failures), ("error", case.errors)):
        for entry in entries:
            if entry["output"] or entry["message"]:
                # ElementTree keeps "type" first, where junit-xml set it before the message
                attributes = f' type="{_attr(entry["type"] or kind)}"'
                if entry["message"]:
                    attributes += f' message="{_attr(entry["message"])}"'
                inner.append(_element(kind, attributes, entry["output"]))
    for entry in case.skipped:
        attributes = ' type="skipped"'
        if entry["message"]:
            attributes += f' message="{_attr(entry["message"])}"'
        inner.append(_element("skipped", attributes, entry["output"]))
    if case.stdout:
        inner.append(_element("system-out", "", case.stdout))
    if case.stderr:
        inner.append(_element("system-err", "", case.stderr))
    if not inner:
        return text + " />"
    return f"{text}>{''.join(inner)}</testcase>"
