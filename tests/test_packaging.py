"""Packaging: schemas ship in the wheel and are found from a checkout and from an installed wheel;
a file scan never imports boto3; importing the package has no side effects."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, sample_rows

from checker.schema import TABLE_SCHEMA, schemas_dir

pytestmark = pytest.mark.smoke  # starts the installed console script, pip or a fresh venv


def test_schemas_found_in_a_source_checkout() -> None:
    assert Path(str(schemas_dir())) == ROOT / "schemas"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                             "-w", str(out), str(ROOT)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                                 str(ROOT)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    (found,) = out.glob("bedrock_audit-*.whl")
    return found


def test_wheel_contains_the_schemas_and_both_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in (TABLE_SCHEMA, "config.schema.json", "report.schema.json", "report-2.schema.json",
                   "rule-metadata.schema.json"):
        assert f"checker/schemas/{schema}" in names
    assert "rules/__init__.py" in names and "checker/cli/__init__.py" in names and "checker/cli/scan.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "bedrock-audit = checker.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_finds_its_own_schemas_and_scans(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    rows = tmp_path / "jobs.jsonl"
    rows.write_text("\n".join(json.dumps(r) for r in sample_rows()) + "\n")
    code = ("import sys; from checker.schema import schemas_dir; print(schemas_dir());"
            "from checker.cli import main; sys.argv=['bedrock-audit','scan',sys.argv[1],'-f','json']; main()")
    result = subprocess.run([sys.executable, "-c", code, str(rows)], capture_output=True, text=True,
                            cwd=tmp_path, env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}, check=False)
    first, _, report = result.stdout.partition("\n")
    assert first == str(target / "checker" / "schemas"), result.stderr
    assert result.returncode == 1 and json.loads(report)["summary"]["jobs"] == 3


def test_a_file_scan_does_not_import_boto3(tmp_path: Path) -> None:
    rows = tmp_path / "jobs.jsonl"
    rows.write_text("\n".join(json.dumps(r) for r in sample_rows()) + "\n")
    code = ("import sys; from checker.cli import main; sys.argv=['bedrock-audit','scan',sys.argv[1],'-f','junit']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('BOTO', [m for m in sys.modules if m.split('.')[0] in ('boto3','botocore')], file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, str(rows)], capture_output=True, text=True, check=False)
    assert "BOTO []" in result.stderr, result.stderr


def test_importing_the_package_builds_no_plugin_manager() -> None:
    code = "import sys, checker, rules; print(sorted(m for m in sys.modules if m.startswith(('checker', 'rules'))))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(result.stdout.replace("'", '"'))
    assert "checker.plugins" not in loaded and "rules.vpc_config_required" not in loaded
