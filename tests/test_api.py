"""checker.api, the one scan assembly: inputs given as values (targets), per-source options, and the
testing kit going through it (the reporter guard included)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any

import pytest
from conftest import compliant_row, write_jsonl

from checker import Problem, Provenance, RawRecord, hookimpl
from checker.api import Report, ScanRequest, run_scan, run_to_stream
from checker.errors import ConfigError
from checker.plugins import load_plugins
from checker.policy import policy_from_mapping
from checker.testing import load_plugin, scan_rows

NOW = datetime(2025, 6, 10, tzinfo=UTC)


@dataclass
class TaggingSource:
    """A plugin source reading JSON Lines that takes options: it sets ``tags.team`` on every record."""

    team: str = "unset"
    name: str = "tagged"
    description: str = "JSON Lines, tagged"
    extensions: tuple[str, ...] = (".tagged",)
    schemes: tuple[str, ...] = ()
    seen: list[str] = field(default_factory=list)

    def sniff(self, head: bytes) -> bool:
        return False

    def with_options(self, options: Any) -> TaggingSource:
        if not isinstance(options, str):
            raise ConfigError("tagged: the option is a team name")
        return TaggingSource(team=options)

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[RawRecord | Problem]:
        assert stream is not None
        for number, line in enumerate(stream, 1):
            row = json.loads(line)
            row["tags"] = {**row["tags"], "team": self.team}
            yield RawRecord(row, Provenance(location, number, number))


class SourcePlugin:
    @hookimpl
    def register_sources(self, register: Any) -> None:
        register(TaggingSource())


@dataclass(frozen=True)
class Rows:
    """Records given as a value, read after the locations."""

    rows: tuple[dict[str, Any], ...]
    shown: str = "memory://rows"

    def check(self) -> None:
        pass

    def read(self) -> Iterator[RawRecord]:
        for index, row in enumerate(self.rows, 1):
            yield RawRecord(row, Provenance(self.shown, None, index))


def _policy(**document: Any) -> Any:
    return policy_from_mapping({"rules": {"BA004": {"required": ["team"], "patterns": {"team": "platform"}}},
                                **document})


def test_source_options_reach_the_source_they_name(tmp_path) -> None:
    registry = load_plugin(SourcePlugin())
    path = write_jsonl(tmp_path / "jobs.tagged", [compliant_row()])
    request = ScanRequest(locations=(str(path),), policy=_policy(select=["BA004"]), now=NOW)
    stream = io.StringIO()
    assert run_to_stream(request, registry, "json", stream, shown=[str(path)]).exit_code == 1  # team "unset"
    configured = ScanRequest(locations=(str(path),), policy=_policy(select=["BA004"]), now=NOW,
                             source_options={"tagged": "platform"})
    stream = io.StringIO()
    assert run_to_stream(configured, registry, "json", stream, shown=[str(path)]).exit_code == 0
    assert json.loads(stream.getvalue())["summary"]["jobs"] == 1
    with pytest.raises(ConfigError, match="input source 'jsonl' takes no options"):
        run_to_stream(ScanRequest(locations=(str(path),), policy=_policy(), source_options={"jsonl": 1}),
                      registry, "json", io.StringIO(), shown=[])
    with pytest.raises(ConfigError, match="options for unknown input source 'nope'"):
        run_to_stream(ScanRequest(policy=_policy(), source_options={"nope": 1}), registry, "json",
                      io.StringIO(), shown=[])
    with pytest.raises(ConfigError, match="the option is a team name"):
        run_to_stream(ScanRequest(policy=_policy(), source_options={"tagged": 1}), registry, "json",
                      io.StringIO(), shown=[])


def test_targets_are_read_after_the_locations_and_named_as_they_show(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_jsonl(tmp_path / "jobs.jsonl", [compliant_row("aaaaaaaaaaaa")])
    target = Rows((compliant_row("bbbbbbbbbbbb", vpc_config=None),))
    request = ScanRequest(locations=(str(path),), targets=(target,), policy=policy_from_mapping({}), now=NOW,
                          include_passed=True)
    summary = run_scan(request, [Report("json", str(tmp_path / "r.json"))], registry=load_plugins(autoload=False))
    report = json.loads((tmp_path / "r.json").read_text())
    assert summary.exit_code == 1 and summary.jobs == 2
    assert report["inputs"] == [str(path), "memory://rows"]
    sources = [result["source"]["path"] for result in report["results"]]
    assert sources.index(str(path)) < sources.index("memory://rows")


class BrokenReporterPlugin:
    @hookimpl
    def register_reporters(self, register: Any) -> None:
        def factory(stream: Any, context: Any) -> Any:
            raise RuntimeError("no disk")

        register("broken", factory)


def test_the_testing_kit_guards_a_plugin_reporter_as_the_cli_does() -> None:
    from checker.errors import ReporterFailed

    with pytest.raises(ReporterFailed, match="report format 'broken' of plugin .* failed to start: RuntimeError"):
        scan_rows([compliant_row()], plugin=BrokenReporterPlugin(), format="broken", now=NOW)
    outcome = scan_rows([compliant_row(vpc_config=None)], now=NOW)
    assert outcome.exit_code == 1 and json.loads(outcome.output)["summary"]["jobs"] == 1
