"""The JUnit string writer (:func:`checker.reporters.junit_writer.suite_xml`) writes the bytes junit-xml's
own ``build_xml_doc`` + ElementTree would, for generated suites (times given the same), and its output is
valid against the Jenkins JUnit XSD."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import xmlschema
from conftest import VENDOR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from junit_xml import TestCase as JCase
from junit_xml import TestSuite as JSuite

from checker.reporters.junit import xml_safe
from checker.reporters.junit_writer import suite_xml, suite_xml_counts

_text = st.one_of(st.none(), st.just(""), st.text(max_size=12).map(xml_safe),
                  st.sampled_from(['a "b" & <c>', "line\nnext\r\tx", "]]>", "x" * 3, "é ✓"]))
_filled = st.text(min_size=1, max_size=10).map(xml_safe).filter(bool)


@st.composite
def cases(draw: st.DrawFn) -> JCase:
    case = JCase(draw(_filled), classname=draw(_text), elapsed_sec=draw(st.one_of(
        st.none(), st.just(0.0), st.floats(min_value=0, max_value=1e4))), stdout=draw(_text), stderr=draw(_text),
        assertions=draw(st.one_of(st.none(), st.integers(0, 5))), timestamp=draw(_text), status=draw(_text),
        category=draw(_text), file=draw(_text), line=draw(st.one_of(st.none(), st.integers(0, 900))),
        log=draw(_text), url=draw(_text))
    kind = draw(st.sampled_from(["pass", "failure", "error", "skipped", "several"]))
    if kind in ("failure", "several"):
        case.add_failure_info(message=draw(_text), output=draw(_text), failure_type=draw(_text))
    if kind in ("error", "several"):
        case.add_error_info(message=draw(_text), output=draw(_text), error_type=draw(_text))
    if kind in ("skipped", "several"):
        case.add_skipped_info(message=draw(_text), output=draw(_text))
    return case


@st.composite
def suites(draw: st.DrawFn) -> JSuite:
    return JSuite(draw(_filled), draw(st.lists(cases(), max_size=5)),
                     properties=draw(st.one_of(st.none(), st.dictionaries(_filled, _filled, max_size=3))),
                     hostname=draw(_text), id=draw(_text), package=draw(_text), timestamp=draw(_text),
                     file=draw(_text), log=draw(_text), url=draw(_text), stdout=draw(_text), stderr=draw(_text))


def junit_xml_own(suite: JSuite, time: str) -> str:
    """What the JUnit reporter wrote before the writer: junit-xml's tree, adjusted, through ElementTree."""
    element = suite.build_xml_doc()
    element.attrib.pop("disabled", None)
    element.set("time", time)
    for testcase in element.iter("testcase"):
        if "time" not in testcase.attrib:
            testcase.set("time", "0.000000")
    return ET.tostring(element, encoding="unicode")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(suites(), st.sampled_from(["0.000", "12.345"]))
def test_the_writer_writes_junit_xmls_own_bytes(suite: JSuite, time: str) -> None:
    assert suite_xml(suite, time) == junit_xml_own(suite, time)
    element = ET.fromstring(junit_xml_own(suite, time))
    assert suite_xml_counts(suite, time)[1:] == (int(element.get("failures", 0)), int(element.get("errors", 0)))


def test_the_writers_report_is_valid_against_the_jenkins_xsd(tmp_path: Any) -> None:
    failing = JCase("vpc-config-required", classname="BA001", elapsed_sec=0.000012)
    failing.add_failure_info(message='[HIGH] no VPC "x" & <y>', output="line 1\nline 2", failure_type="HIGH")
    erroring = JCase("mandatory-tags", classname="BA004", elapsed_sec=0.0)
    erroring.add_error_info(message="BA004 cannot decide", output="tags unknown", error_type="input")
    skipped = JCase("job-outcome", classname="BA011")
    skipped.add_skipped_info(message="not applicable")
    suite = JSuite("arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefabcdef",
                      [failing, erroring, skipped, JCase("timeout-bounds", classname="BA003", elapsed_sec=1e-6)],
                      properties={"job_arn": "arn:...", "source": "jobs.jsonl:1"}, file="jobs.jsonl")
    document = (f'<?xml version="1.0" encoding="utf-8"?>\n<testsuites errors="1" failures="1" tests="4" '
                f'time="0.000">{suite_xml(suite, "0.000")}</testsuites>\n')
    path = tmp_path / "r.xml"
    path.write_text(document, encoding="utf-8")
    xmlschema.XMLSchema(str(VENDOR / "junit-10.xsd")).validate(str(path))
    assert suite_xml(suite, "0.000") == junit_xml_own(suite, "0.000")
