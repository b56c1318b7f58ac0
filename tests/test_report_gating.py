"""The test tab agrees with the gate (issue 15, item 1): a finding that does not fail the gate (below
``fail-on``, or in the baseline) is never a JUnit ``<failure>``, is a SARIF ``note`` with
``properties.gating: false``, and sits in Markdown's "below fail-on" section; a finding that gates is a
``<failure>`` / ``error``-or-``warning`` result. Checked with the Jenkins XSD, expat and the SARIF schema;
the root ``failures`` count equals the scan's ``gate_failures`` (what Jenkins counts)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema
from conftest import VENDOR, Cli, compliant_row
from test_sarif import assert_valid

POLICY = 'select = ["BA001", "BA003", "BA011"]\n'


@pytest.fixture
def jobs(tmp_path: Path, jsonl) -> str:
    """One finding per severity the gate can be set between: BA011 info (a Failed job), BA003 medium
    (timeout 100 h), BA001 high (no VPC)."""
    (tmp_path / "bedrock-audit.toml").write_text(POLICY)
    return str(jsonl([
        compliant_row("gggggggggg01", job_name="failed-job", status="Failed", message="input not found",
                      end_time="2025-06-02T03:47:51.902Z"),
        compliant_row("gggggggggg02", job_name="long-job", timeout_duration_in_hours=100),
        compliant_row("gggggggggg03", job_name="no-vpc", vpc_config=None),
    ]))


def scan(cli: Cli, tmp_path: Path, jobs: str, *args: str) -> tuple[int, dict, ET.Element, dict, str]:
    """Scan into every format; returns exit code, JSON summary, JUnit root, SARIF log, Markdown."""
    result = cli("scan", jobs, "--now", "2025-07-01T00:00:00Z", "-f", "json", "-o", "junit=r.xml",
                 "-o", "sarif=r.sarif", "-o", "markdown=r.md", *args)
    xml = tmp_path / "r.xml"
    xmlschema.XMLSchema(str(VENDOR / "junit-10.xsd")).validate(str(xml))
    root = ET.fromstring(xml.read_bytes())  # expat: strict
    sarif = json.loads((tmp_path / "r.sarif").read_text())
    assert_valid(sarif)
    return (result.returncode, json.loads(result.stdout)["summary"], root, sarif,
            (tmp_path / "r.md").read_text())


def cases(root: ET.Element) -> dict[str, ET.Element]:
    return {c.get("classname"): c for suite in root.iter("testsuite") for c in suite.iter("testcase")
            if c.find("failure") is not None or c.find("system-out") is not None}


def test_findings_below_fail_on_are_passing_testcases_when_the_gate_passes(cli: Cli, tmp_path: Path,
                                                                           jobs: str) -> None:
    code, summary, root, sarif, markdown = scan(cli, tmp_path, jobs, "--fail-on", "critical")
    assert code == 0 and summary["gate_failures"] == 0
    assert root.get("failures") == "0" and root.get("errors") == "0"  # Jenkins: SUCCESS, not UNSTABLE
    assert not list(root.iter("failure"))
    found = cases(root)
    assert set(found) == {"BA001", "BA003", "BA011"}
    info = found["BA011"].find("system-out").text
    assert info.startswith("FINDING, not gating (info is below fail-on critical): [info] job ended Failed")
    assert "input not found" in info and "rule: BA011 job-outcome (info)" in info
    suite = next(s for s in root.iter("testsuite") if s.get("name") == "failed-job")
    props = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert props["finding BA011"].startswith("not gating (info is below fail-on critical): [info] ")
    results = sarif["runs"][0]["results"]
    assert {(r["ruleId"], r["level"], r["properties"]["gating"]) for r in results} == {
        ("BA001", "note", False), ("BA003", "note", False), ("BA011", "note", False)}
    assert "### Findings below fail-on critical (reported, they never fail the gate)" in markdown
    assert "at or above fail-on" not in markdown and "**yes**" not in markdown


def test_only_gating_findings_are_failures_and_jenkins_counts_the_gate(cli: Cli, tmp_path: Path, jobs: str) -> None:
    code, summary, root, sarif, markdown = scan(cli, tmp_path, jobs, "--fail-on", "medium")
    assert code == 1 and summary["gate_failures"] == 2
    assert int(root.get("failures")) == summary["gate_failures"] == len(list(root.iter("failure")))
    assert sum(int(s.get("failures")) for s in root.iter("testsuite")) == 2
    found = cases(root)
    assert found["BA001"].find("failure") is not None and found["BA003"].find("failure") is not None
    assert found["BA011"].find("failure") is None and "not gating" in found["BA011"].find("system-out").text
    levels = {r["ruleId"]: (r["level"], r["properties"]["gating"]) for r in sarif["runs"][0]["results"]}
    assert levels == {"BA001": ("error", True), "BA003": ("warning", True), "BA011": ("note", False)}
    above, below = markdown.split("### Findings below fail-on medium")
    assert "#### BA001" in above and "#### BA003" in above and "#### BA011" in below
    assert "| **yes** |" in above and "| no (below fail-on) |" in below


def test_soft_fail_keeps_gating_findings_as_failures(cli: Cli, tmp_path: Path, jobs: str) -> None:
    """Decision (README "Reports"): --soft-fail changes the exit code only; the findings it lets through
    are still the gate's, so they stay <failure> (Jenkins UNSTABLE, not FAILED)."""
    code, summary, root, sarif, _ = scan(cli, tmp_path, jobs, "--fail-on", "medium", "--soft-fail")
    assert code == 0 and summary["gate_failures"] == 2
    assert root.get("failures") == "2"
    assert {r["ruleId"] for r in sarif["runs"][0]["results"] if r["properties"]["gating"]} == {"BA001", "BA003"}
