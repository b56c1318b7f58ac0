"""The example plugin (examples/plugin/) the way a third party ships it: built by pip from its own
pyproject.toml, installed into a fresh virtualenv next to bedrock-audit, discovered through its entry
point, run in a scan, and its own tests pass against the installed package.

The virtualenv is created without pip and sees the test environment's packages (bedrock-audit, its
dependencies, pip, hatchling) through a ``.pth`` file -- what ``--system-site-packages`` does for a
system interpreter -- so nothing is downloaded and the build takes about a second. pip builds the wheel
with the example's own build backend (hatchling, ``--no-build-isolation``) and installs it into the
new environment only.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.smoke  # starts the installed console script, pip or a fresh venv


EXAMPLE = ROOT / "examples" / "plugin"


class Venv:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.python = path / ("Scripts/python.exe" if os.name == "nt" else "bin/python")

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items()
                       if not k.startswith("BEDROCK_AUDIT_") and k not in ("PYTHONPATH", "PYTHONHOME")}
        environment.update({"NO_COLOR": "1", "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
        return subprocess.run([str(self.python), *args], capture_output=True, text=True, cwd=cwd,
                              env=environment, timeout=300, check=False)

    def bedrock_audit(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return self.run("-m", "checker", *args, cwd=cwd)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Venv, Path]:
    """A virtualenv with the example plugin pip-installed; and the copy of the example it was built from."""
    pytest.importorskip("hatchling", reason="the example plugin's build backend (test extra)")
    work = tmp_path_factory.mktemp("example-plugin")
    source = work / "acme-bedrock-rules"
    shutil.copytree(EXAMPLE, source,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist"))
    venv = Venv(work / "venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv.path)], check=True, timeout=120)
    site_packages = venv.run("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(site_packages) / "_bedrock_audit_under_test.pth").write_text(
        "".join(f"import site; site.addsitedir({path!r})\n" for path in sorted(ours)))
    built = venv.run("-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", str(source))
    assert built.returncode == 0, built.stdout + built.stderr
    assert list(Path(site_packages).glob("acme_bedrock_rules-1.0.0.dist-info")), "not installed into the venv"
    return venv, source


def test_the_installed_plugin_is_discovered(installed: tuple[Venv, Path]) -> None:
    venv, _ = installed
    listed = venv.bedrock_audit("plugins", "-f", "json")
    assert listed.returncode == 0, listed.stderr
    acme = next(p for p in json.loads(listed.stdout) if p["name"] == "acme")
    assert acme["status"] == "loaded" and acme["distribution"] == "acme-bedrock-rules"
    assert acme["version"] == "1.0.0" and acme["hooks"] == ["register_reporters", "register_rules"]
    assert acme["registered"] == {"rules": ["ACME001"], "reporters": ["acme-csv"], "sources": []}
    assert "plugin acme (acme-bedrock-rules 1.0.0)" in venv.bedrock_audit("--version").stdout
    rules = json.loads(venv.bedrock_audit("rules", "-f", "json").stdout)
    assert {"id": "ACME001", "name": "job-name-convention", "severity": "low", "enabled": True,
            "enabled_by_default": True, "plugin": "acme",
            "title": "Job name follows the ACME naming convention", "controls": {}} in rules
    shown = venv.bedrock_audit("rules", "show", "ACME001")
    assert "max_length" in shown.stdout and "default 48" in shown.stdout


def test_the_installed_plugin_runs_in_a_scan(installed: tuple[Venv, Path], tmp_path: Path) -> None:
    venv, _ = installed
    policy = tmp_path / "bedrock-audit.toml"
    policy.write_text("[rules.ACME001]\nmax_length = 24\n")
    findings = tmp_path / "findings.csv"
    scan = venv.bedrock_audit("scan", str(ROOT / "examples" / "jobs.jsonl"), "-f", "json", "--include-passed",
                              "-o", f"acme-csv={findings}", cwd=tmp_path)
    assert scan.returncode == 1, scan.stderr
    report = json.loads(scan.stdout)
    acme = {r["job"]["name"]: r for r in report["results"] if r["rule_id"] == "ACME001"}
    assert acme["claims-summary-batch-20250602"]["status"] == "FAIL"  # 29 characters > 24
    assert "the limit is 24" in acme["claims-summary-batch-20250602"]["message"]
    assert acme["legal-contract-summaries"]["status"] == "PASS"
    assert next(r for r in report["rules"] if r["id"] == "ACME001")["params"]["max_length"] == 24
    rows = list(csv.DictReader(io.StringIO(findings.read_text())))
    assert ("ACME001", "claims-summary-batch-20250602") in {(r["rule_id"], r["job_name"]) for r in rows}
    disabled = venv.bedrock_audit("scan", str(ROOT / "examples" / "jobs.jsonl"), "-f", "json",
                                  "--disable-plugin", "acme", cwd=tmp_path)
    # the policy's [rules.ACME001] now names a rule nobody provides
    assert disabled.returncode == 2 and "no such rule" in disabled.stderr


def test_the_example_plugins_own_tests_pass_against_the_installed_package(
        installed: tuple[Venv, Path]) -> None:
    venv, source = installed
    shutil.rmtree(source / "acme_bedrock_rules")  # the tests must import the installed copy
    tested = venv.run("-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", cwd=source)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert " passed" in tested.stdout
