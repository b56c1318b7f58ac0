"""The JUnit XML report (``-f junit``), built with junit-xml and streamed one testsuite per job.

Layout (``../shared/DESIGN.md`` §9): one ``<testsuite>`` per job (name: the job name; properties: job
ARN, account, region, source file:line), one ``<testcase>`` per rule (classname: the rule id, name: the
rule name); a FAIL that gates (:func:`checker.exitcodes.gates`) -> ``<failure>``, ERROR -> ``<error>``,
SKIP -> ``<skipped message=reason>``. A FAIL that does not gate (below ``fail-on``, or in the baseline) is a
passing testcase carrying the finding in its ``<system-out>`` (``FINDING, not gating (info is below
fail-on low): ...``) and in a suite property ``finding BA011`` -- so the test tab agrees with the gate:
the root's ``failures`` is the scan's ``gate_failures`` (``--soft-fail`` aside: it changes the exit code
only). A schema-invalid record, an unreadable source or a failed plugin is a testsuite with one
``<error>`` testcase. An ERROR because data is unknown (a column absent from an input) is counted once per
rule and input: the job's testcase is ``<skipped>`` naming it, and the ``bedrock-audit unknown data``
testsuite has one ``<error>`` testcase per rule and input with the number of jobs
(:mod:`checker.reporters.gaps`). Validated against the Jenkins JUnit XSD in the tests (its ``<testcase>`` has no
``<properties>``, hence the suite property).

junit-xml 1.9 pitfalls handled here: it writes a ``disabled`` attribute the XSD rejects (removed), it
drops ``time`` when it is zero (always set), it writes the suite time with more decimals than the XSD's
SUREFIRE_TIME allows (rewritten with three), it treats an empty failure message as a pass (messages are
never empty), and ``TestSuite.build_xml_doc()`` does not remove XML-illegal characters (every string is
cleaned before it reaches junit-xml). junit-xml builds each ``TestSuite`` and ``TestCase``; they are
serialised by :func:`checker.reporters.junit_writer.suite_xml`, which writes the bytes
``build_xml_doc()`` and ElementTree would (with the adjustments above) without building the tree.

Suites are written to a spool file as each job finishes; at the end the ``<testsuites>`` element with
the totals is written, then the spooled suites, so memory stays flat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TextIO

from junit_xml import TestCase, TestSuite

from checker.exitcodes import not_gating
from checker.model import ErrorKind, JobRef, Problem, Provenance, Result, Status
from checker.reporters.base import ReportContext, problem_text
from checker.reporters.gaps import GapTally
from checker.reporters.junit_writer import suite_xml_counts
from checker.reporters.output import drain, text_spool
from checker.summary import Summary

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPOOL_BYTES = 4 << 20


def xml_safe(text: object) -> str:
    """``text`` as a string without the characters XML 1.0 forbids (control characters, surrogates)."""
    return _XML_ILLEGAL.sub("", str(text))


_PROBLEM_CASES = {
    ErrorKind.INPUT: ("bedrock-audit.input", "record"),
    ErrorKind.SOURCE: ("bedrock-audit.source", "read"),
    ErrorKind.PLUGIN: ("bedrock-audit.plugin", "load"),
    ErrorKind.RULE: ("bedrock-audit.rule", "run"),
}


class JUnitReporter:
    """Writes one ``<testsuites>`` document to ``stream``."""

    needs_timings = True  # each testcase's time is the rule's duration

    def __init__(self, stream: TextIO, context: ReportContext) -> None:
        self.stream = stream
        self.context = context
        self._spool = text_spool(_SPOOL_BYTES)  # drained in finish()
        self._tests = self._failures = self._errors = 0
        self._time = 0.0
        self._gaps = GapTally()
        self._names: dict[str, tuple[str, str]] = {}  # rule id -> (testcase name, classname), made XML-safe once

    def start(self) -> None:
        """Nothing to write before the totals are known."""

    def job(self, job: JobRef, provenance: Provenance, results: Sequence[Result]) -> None:
        """Write the job's testsuite."""
        cases = []
        names = self._names
        properties = {
            "job_arn": job.arn or "",
            "account_id": job.account_id or "",
            "region": job.region or "",
            "source": str(provenance),
        }
        fail_on = self.context.fail_on
        for result in results:
            rule = result.rule
            name = names.get(rule.id)
            if name is None:
                name = names[rule.id] = (xml_safe(rule.name), xml_safe(rule.id))
            case = TestCase(name[0], classname=name[1], elapsed_sec=result.duration)
            if result.status is Status.FAIL:
                reason = not_gating(result, fail_on)
                if reason:  # reported, passing: the gate does not fail on it
                    finding = f"[{result.severity.label}] {result.message}"
                    case.stdout = xml_safe(f"FINDING, not gating ({reason}): {finding}\n"
                                           + _detail(result, provenance))
                    properties[f"finding {rule.id}"] = f"not gating ({reason}): {finding}"
                else:
                    case.add_failure_info(message=xml_safe(f"[{result.severity.label}] {result.message}"),
                                          output=xml_safe(_detail(result, provenance)),
                                          failure_type=result.severity.label)
            elif result.status is Status.ERROR and self._gaps.add(job, provenance, result):
                case.add_skipped_info(message=xml_safe(f"not checked: {result.message} (one error for every job of "
                                                       f"{provenance.source}: testsuite 'bedrock-audit unknown data')"))
            elif result.status is Status.ERROR:
                kind = result.error_kind.value if result.error_kind else "error"
                case.add_error_info(message=xml_safe(result.message), output=xml_safe(_detail(result, provenance)),
                                    error_type=kind)
            elif result.status is Status.SKIP:
                case.add_skipped_info(message=xml_safe(result.message or "skipped"))
            cases.append(case)
        if job.address is not None:  # a planned job: its address, and where each finding's attribute is set
            properties["address"] = job.address
            for result in results:
                if result.status in (Status.FAIL, Status.ERROR) and provenance.at(result.pointer) != provenance:
                    properties[f"location.{result.rule.id}"] = str(provenance.at(result.pointer))
        self._write_suite(job.label, cases, properties, provenance.source)

    def problem(self, problem: Problem) -> None:
        """Write a testsuite with one ``<error>`` testcase for the problem."""
        classname, name = _PROBLEM_CASES[problem.kind]
        case = TestCase(name, classname=classname, elapsed_sec=0.0)
        where = str(problem.provenance) if problem.provenance else ""
        message = problem_text(problem)
        case.add_error_info(message=xml_safe(f"{where}: {message}" if where else message),
                            output=xml_safe(where), error_type=problem.kind.value)
        if problem.job and problem.job.arn:
            suite_name = problem.job.label
        elif problem.plugin:
            suite_name = f"plugin {problem.plugin}"
        else:
            suite_name = where or "bedrock-audit"
        properties = {"kind": problem.kind.value, "source": where}
        if problem.job and problem.job.arn:
            properties["job_arn"] = problem.job.arn
        self._write_suite(suite_name, [case], properties,
                          problem.provenance.source if problem.provenance else None)

    def _write_suite(self, name: str, cases: list[TestCase], properties: dict[str, str], file: str | None) -> None:
        suite = TestSuite(xml_safe(name), cases, properties={k: xml_safe(v) for k, v in properties.items()},
                          file=xml_safe(file) if file else None)
        total = sum(case.elapsed_sec or 0.0 for case in cases)
        # junit-xml's element tree, without building it (checker.reporters.junit_writer: the same bytes)
        text, failures, errors = suite_xml_counts(suite, f"{total:.3f}")
        self._spool.write(text)
        self._spool.write("\n")
        self._tests += len(cases)
        self._failures += failures
        self._errors += errors
        self._time += total

    def finish(self, summary: Summary) -> None:
        """Write ``<testsuites>`` with the totals, the spooled suites, and the closing tag.

        Warnings (schema drift, unused waivers) become a ``bedrock-audit warnings`` testsuite with one
        ``<skipped>`` testcase each, so CI test views list them without failing on them.
        """
        if len(self._gaps):
            cases = []
            for gap in self._gaps.groups():
                case = TestCase(xml_safe(f"{gap.result.rule.id} {gap.source}"), classname="bedrock-audit.unknown-data",
                                elapsed_sec=0.0)
                case.add_error_info(message=xml_safe(f"{gap.result.message} ({gap.where})"),
                                    output=xml_safe(_detail(gap.result, gap.first_at)), error_type="input")
                cases.append(case)
            self._write_suite("bedrock-audit unknown data", cases, {"kind": "input"}, None)
        if summary.warnings:
            cases = []
            for warning in summary.warnings:
                case = TestCase(xml_safe(warning.split(":", 1)[0]), classname="bedrock-audit.warning",
                                elapsed_sec=0.0)
                case.add_skipped_info(message=xml_safe(warning))
                cases.append(case)
            self._write_suite("bedrock-audit warnings", cases, {"kind": "warning"}, None)
        write = self.stream.write
        write('<?xml version="1.0" encoding="utf-8"?>\n')
        write(f'<testsuites name="bedrock-audit" tests="{self._tests}" failures="{self._failures}" '
              f'errors="{self._errors}" time="{self._time:.3f}">\n')
        drain(self._spool, write)
        write("</testsuites>\n")


def _detail(result: Result, provenance: Provenance) -> str:
    lines = [f"rule: {result.rule.id} {result.rule.name} ({result.severity.label})",
             f"source: {provenance.at(result.pointer)}"]
    if result.pointer:
        lines.append(f"field: {result.pointer}")
    if result.status is Status.FAIL:
        lines.append(f"remediation: {result.rule.remediation}")
        lines.append(f"help: {result.rule.help_url}")
    if result.waiver:
        lines.append("waiver: " + ", ".join(f"{k}={v}" for k, v in result.waiver.items()))
    return "\n".join(lines)
