"""The parts of a live scan that need no AWS: aws:// locations, accounts files, the progress line, the
credential scrubber; and the two general mechanisms the live scan relies on (``--allow-partial`` and
``_unknown`` in table rows), exercised on files."""

from __future__ import annotations

import io
import json
import string
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import Cli, compliant_row
from hypothesis import given
from hypothesis import strategies as st

from checker.aws.faults import Scrubber
from checker.aws.location import (
    STATUSES,
    AwsTarget,
    LocationError,
    parse_location,
    read_accounts_file,
    redact,
    target_from_options,
)
from checker.aws.progress import Progress

accounts = st.lists(st.from_regex(r"\A[0-9]{12}\Z"), max_size=3, unique=True)
regions = st.lists(st.sampled_from(["us-east-1", "eu-west-1", "ap-northeast-1", "us-gov-west-1"]), max_size=3,
                   unique=True)


@st.composite
def targets(draw: Any) -> AwsTarget:
    chosen = draw(accounts)
    role = None
    if len(chosen) > 1 or (chosen and draw(st.booleans())):
        role = "arn:aws:iam::{account_id}:role/" + draw(st.text(string.ascii_letters + "+=,.@-_/", min_size=1,
                                                                max_size=20))
    all_regions = draw(st.booleans())
    return target_from_options(
        regions=() if all_regions else draw(regions), all_regions=all_regions,
        profile=draw(st.none() | st.text(string.ascii_letters + "-_ .", min_size=1).filter(str.strip)),
        role_arn=role, accounts=chosen,
        external_id=draw(st.none() | st.text(string.ascii_letters + "+=,.@:/-", min_size=2, max_size=30))
        if role else None,
        status=draw(st.none() | st.sampled_from(STATUSES)),
        submitted_after=draw(st.none() | st.datetimes(
            min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC))),
        max_attempts=draw(st.integers(1, 20)), concurrency=draw(st.integers(1, 64)),
    )


@given(targets())
def test_every_target_survives_its_aws_location(target: AwsTarget) -> None:
    assert parse_location(target.uri()) == target


def test_report_form_of_a_location_is_accepted() -> None:
    target = parse_location("aws://123456789012/us-east-1,eu-west-1?status=failed")
    assert target.accounts == ("123456789012",) and target.regions == ("us-east-1", "eu-west-1")
    assert target.status == "Failed" and target.role_for("123456789012") is None
    assert parse_location("aws://*").all_regions and parse_location("aws://").regions == ()


def test_external_id_is_redacted_wherever_a_location_is_shown() -> None:
    target = target_from_options(role_arn="arn:aws:iam::123456789012:role/A", external_id="s3cr3t-id")
    assert "s3cr3t" not in target.uri(redact=True) and "s3cr3t" in target.uri()
    assert redact(target.uri()) == target.uri(redact=True)


@pytest.mark.parametrize("location", [
    "aws://us-east-1?aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws://us-east-1?region=eu-west-1&region=eu-west-1&secret=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "aws://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY@us-east-1",
    "aws://us-east-1?external-id=acme-external&status=Bogus&x=1",
])
def test_a_bad_location_is_not_echoed_with_credentials_in_it(location: str) -> None:
    """A location is echoed in usage errors; credentials typed into it must not reach the CI log."""
    with pytest.raises(LocationError) as caught:
        parse_location(location)
    message = str(caught.value)
    for secret in ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAIOSFODNN7EXAMPLE", "acme-external"):
        assert secret not in message, message
    assert message.startswith("aws://")


def test_accounts_file(tmp_path: Path) -> None:
    path = tmp_path / "accounts.txt"
    path.write_text("\ufeff# org accounts\n111111111111\t222222222222\n333333333333, 111111111111  # dup\n")
    assert read_accounts_file(path) == ["111111111111", "222222222222", "333333333333", "111111111111"]
    path.write_text("111111111111\nprod-account\n")
    with pytest.raises(LocationError, match="line 2: 'prod-account' is not a 12-digit account ID"):
        read_accounts_file(path)
    path.write_text("# nothing\n")
    with pytest.raises(LocationError, match="no account IDs"):
        read_accounts_file(path)


def test_progress_line_only_on_a_terminal_and_always_a_closing_line() -> None:
    quiet = io.StringIO()
    progress = Progress(quiet)
    progress.pairs_total = 2
    progress.add(pairs_done=1, jobs=7, tags=3)
    progress.tick()
    progress.close("covered 2 of 2 account/region pairs")
    assert quiet.getvalue() == "bedrock-audit: aws: covered 2 of 2 account/region pairs\n"

    terminal = io.StringIO()
    progress = Progress(terminal, live=True)
    progress.pairs_total = 2
    progress.add(pairs_done=1, jobs=7, tags=3)
    progress.tick()
    assert terminal.getvalue() == ("\r\x1b[Kbedrock-audit: aws: 1/2 account/region pairs listed, "
                                   "7 jobs found, 3 tag calls pending")
    progress.note("ap-east-1 skipped")
    assert terminal.getvalue().endswith("\r\x1b[Kbedrock-audit: note: ap-east-1 skipped\n")


def test_scrubber_removes_known_secrets_and_credential_shaped_text() -> None:
    scrub = Scrubber()
    scrub.add("standin-session-token-abcdef", None, "x")
    text = ("token standin-session-token-abcdef key ASIAABCDEFGHIJKLMNOP secret "
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY X-Amz-Security-Token=abc123 "
            "arn:aws:iam::123456789012:role/A")
    cleaned = scrub(text)
    for secret in ("standin-session-token-abcdef", "ASIAABCDEFGHIJKLMNOP", "wJalrXUtnFEMI", "abc123"):
        assert secret not in cleaned
    assert "arn:aws:iam::123456789012:role/A" in cleaned


def test_allow_partial_on_files_keeps_the_errors_and_gates_on_findings(cli: Cli, jsonl: Any) -> None:
    path = jsonl([compliant_row(), "{not json", compliant_row("b7k2m9q4p1ab", vpc_config=None)])
    strict = cli("scan", str(path), "-f", "json", "--include-passed")
    partial = cli("scan", str(path), "-f", "json", "--include-passed", "--allow-partial")
    assert strict.returncode == 3 and partial.returncode == 1
    assert json.loads(strict.stdout)["errors"] == json.loads(partial.stdout)["errors"] != []
    only_bad = jsonl(["{not json"], name="bad.jsonl")
    assert cli("scan", str(only_bad), "--allow-partial").returncode == 3  # nothing was checked at all


def test_a_passing_partial_scan_does_not_read_as_a_clean_pass(cli: Cli, jsonl: Any, tmp_path: Path) -> None:
    """--allow-partial: exit 0, but the verdict a person reads (text last line, Markdown headline in the
    job summary) must say that something was not checked."""
    path = jsonl([compliant_row(), "{not json"])
    completed = cli("scan", str(path), "--allow-partial", "-o", f"markdown={tmp_path / 'r.md'}",
                    env={"NO_COLOR": "1"})
    assert completed.returncode == 0, completed.stdout + completed.stderr
    last = completed.stdout.strip().splitlines()[-1]
    assert last == ("gate passed on a partial scan: no finding gates at --fail-on low; 1 gap not gating "
                    "(--allow-partial) (exit 0)")
    headline = (tmp_path / "r.md").read_text().splitlines()[0]
    assert headline == ("## ⚠️ bedrock-audit: gate passed on a partial scan: 1 gap not gating "
                        "(--allow-partial) (exit 0)")
    clean = cli("scan", str(jsonl([compliant_row()], name="clean.jsonl")), env={"NO_COLOR": "1"})
    assert clean.stdout.strip().splitlines()[-1] == "gate passed: no finding gates at --fail-on low (exit 0)"


def test_unknown_declared_in_a_table_row_makes_its_rules_error(cli: Cli, jsonl: Any) -> None:
    row = compliant_row()
    del row["tags"]
    row["_unknown"] = {"tags": "tags unknown: ListTagsForResource was denied"}
    completed = cli("scan", str(jsonl([row])), "-f", "json", "--include-passed", "--select", "BA004")
    assert completed.returncode == 3
    (result,) = json.loads(completed.stdout)["results"]
    assert result["status"] == "ERROR" and "ListTagsForResource was denied" in result["message"]
    assert json.loads(completed.stdout)["warnings"] == []  # a reserved key, not schema drift
