"""CreateModelInvocationJob request bodies: the ``request`` input format.

The shape of ``aws bedrock create-model-invocation-job --cli-input-json file://job.json`` (and
``--generate-cli-skeleton``; members from botocore bedrock/2023-04-20: ``jobName``, ``roleArn``,
``clientRequestToken``, ``modelId``, ``inputDataConfig``, ``outputDataConfig``, ``vpcConfig``,
``timeoutDurationInHours``, ``tags``), in JSON or YAML (``--cli-input-yaml``; PyYAML, imported only when
a YAML file is read), one request or a list of them. Each request becomes a planned job identified as
``FILE#N``. A CloudFormation template is recognised too: ``AWS::Bedrock::ModelInvocationJob`` takes no
properties (the type is read-only), so it is a note, nothing to check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any, Self

import orjson

from checker.model import Provenance
from checker.planned.model import PlannedJob, Where
from checker.planned.options import PlannedOptions
from checker.planned.records import ARGUMENTS
from checker.planned.references import partition_of
from checker.sources.base import Item, SourceNote, describe_json_type, input_problem, source_problem, without_bom

MEMBERS = frozenset({"jobName", "roleArn", "clientRequestToken", "modelId", "inputDataConfig",
                     "outputDataConfig", "vpcConfig", "timeoutDurationInHours", "tags", "modelInvocationType"})
"""CreateModelInvocationJob request members (botocore bedrock/2023-04-20)."""

_REQUEST_KEY = re.compile(rb'(?m)(?:^|[{,\s])"?(?:jobName|roleArn|inputDataConfig|outputDataConfig)"?\s*:')
_CFN = re.compile(rb"AWSTemplateFormatVersion|AWS::Bedrock::ModelInvocationJob")
CFN_TYPE = "AWS::Bedrock::ModelInvocationJob"
_SNAKE = {member: argument for argument, member in ARGUMENTS.items()}


class RequestSource:
    """The ``request`` input format (JSON or YAML request bodies, and CloudFormation templates)."""

    name = "request"
    description = ("CreateModelInvocationJob request bodies, JSON or YAML (--cli-input-json shape), one or a "
                   "list; recognised by content")
    extensions: tuple[str, ...] = ()
    schemes: tuple[str, ...] = ()
    refines = ("json",)

    def __init__(self, options: PlannedOptions | None = None) -> None:
        self.options = options or PlannedOptions()

    def with_options(self, options: PlannedOptions) -> Self:
        """This source with ``options`` (``ScanRequest.source_options[name]``, see :mod:`checker.api`)."""
        return type(self)(options)

    def sniff(self, head: bytes) -> bool:
        """Request members (``jobName``, ``roleArn`` ...) and no ``jobArn``/``job_arn``/``format_version``;
        or a CloudFormation template naming the batch job type."""
        if b"jobArn" in head or b"job_arn" in head or b'"format_version"' in head:
            return False
        return len(set(_REQUEST_KEY.findall(head))) >= 2 or bool(_CFN.search(head))

    def read(self, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
        """Yield one planned record per request (or a problem per malformed one)."""
        from checker.planned.records import raw_record

        assert stream is not None
        data = stream.read()
        data = without_bom(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad = data.count(b"\n", 0, exc.start) + 1
            yield source_problem(f"line {bad}: invalid UTF-8", location)
            return
        parsed = _parse(text, location)
        if isinstance(parsed, str):
            yield source_problem(parsed, location)
            return
        document, lines, fields = parsed
        if isinstance(document, dict) and isinstance(document.get("Resources"), dict):
            yield _template_note(document, location)
            return
        requests = document if isinstance(document, list) else [document]
        for number, request in enumerate(requests, start=1):
            line: int | None = lines[number - 1] if number - 1 < len(lines) else None
            places = fields[number - 1] if number - 1 < len(fields) else {}
            identity = f"{location}#{number}"
            if not isinstance(request, dict):
                yield input_problem(f"request {number}: expected an object of CreateModelInvocationJob members, got "
                                    f"{describe_json_type(request)}", Provenance(location, line, number))
                continue
            unknown = sorted(str(key) for key in request if key not in MEMBERS)
            if unknown:
                yield input_problem(f"request {number}: not a CreateModelInvocationJob member: {', '.join(unknown[:5])}"
                                    f" (expected {', '.join(sorted(MEMBERS))})", Provenance(location, line, number))
                continue
            yield raw_record(self.job(request, identity, location, line, places), number)

    def job(self, request: dict[str, Any], identity: str, location: str, line: int | None,
            places: dict[str, int] | None = None) -> PlannedJob:
        """The planned job of one request: account from ``--account`` only (a request does not say which
        account submits it; the role ARN's account cannot stand in: BA002 would then never see a
        cross-account role), region from ``--region`` or the ARNs it carries (model, KMS key). ``places``:
        the line of each member by its table-shape path (``"vpc_config.subnet_ids": 14``, YAML files):
        findings and schema errors point at the member's line, else at the request's."""
        account = self.options.account
        region = self.options.region
        if region is None:
            for arn in _arns(request):
                parts = arn.split(":")
                if len(parts) >= 6 and parts[3]:
                    region = parts[3]
                    break
        if region is not None and partition_of(region) is None:
            region = None
        where = {"": Where(location, line)} | {path: Where(location, at) for path, at in (places or {}).items()}
        return PlannedJob(identity, "request", location, {}, where=where,
                          account_id=account, region=region, request=request)


def _arns(request: dict[str, Any]) -> Iterator[str]:
    model = request.get("modelId")
    if isinstance(model, str) and model.startswith("arn:"):
        yield model
    output = request.get("outputDataConfig")
    s3 = output.get("s3OutputDataConfig") if isinstance(output, dict) else None
    key = s3.get("s3EncryptionKeyId") if isinstance(s3, dict) else None
    if isinstance(key, str) and key.startswith("arn:"):
        yield key


Parsed = tuple[Any, list[int | None], list[dict[str, int]]]
"""``(document, start line of each request, line of each request's members by table-shape path)``."""


def _parse(text: str, location: str) -> Parsed | str:
    """:data:`Parsed` (members' lines for YAML only), or a one-line error naming the line."""
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            return f"line {exc.lineno}: invalid JSON: {exc.msg}"
        if isinstance(document, list):
            from checker.sources.documents import element_lines

            lines: list[int | None] = []
            try:
                lines = [line for _, line in element_lines(text, text.index("["))]
            except (ValueError, RecursionError):
                lines = []
            return document, lines, []
        return document, [text[: len(text) - len(stripped)].count("\n") + 1], []
    if _CFN.search(text.encode()) and re.search(r"(?m)^Resources\s*:", text):
        return {"Resources": _yaml_template_resources(text)}, [], []
    return _parse_yaml(text)


def _yaml_template_resources(text: str) -> dict[str, Any]:
    """The resources of a YAML CloudFormation template, by name and ``Type``, read by pattern (templates
    use ``!Ref``/``!Sub`` tags that a plain YAML loader rejects; only the types matter here)."""
    found: dict[str, Any] = {}
    name = None
    for line in text.splitlines():
        top = re.match(r"^  ([A-Za-z0-9]+)\s*:\s*$", line)
        if top:
            name = top[1]
            found[name] = {}
        kind = re.match(r"^\s+Type\s*:\s*['\"]?([A-Za-z0-9:]+)", line)
        if kind and name is not None and not found[name]:
            found[name] = {"Type": kind[1]}
    return found


def _parse_yaml(text: str) -> Parsed | str:
    import yaml

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark else "?"
                return f"line {line}: YAML aliases are not accepted in a request file"
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else "?"
        return f"line {line}: invalid YAML: {exc.problem or exc.context or 'cannot parse'}"
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        return f"line 1: invalid YAML: {type(exc).__name__}"
    if isinstance(node, yaml.SequenceNode):
        return document, [item.start_mark.line + 1 for item in node.value], [_member_lines(i) for i in node.value]
    return document, [node.start_mark.line + 1 if node is not None else 1], [_member_lines(node)]


def _member_lines(node: Any, prefix: str = "") -> dict[str, int]:
    """The 1-based line of each member of a YAML request node (PyYAML ``start_mark``), by its path in the
    table's shape: ``vpcConfig: {subnetIds: [...]}`` -> ``{"vpc_config": 12, "vpc_config.subnet_ids": 13}``
    (members named as :data:`checker.planned.records.ARGUMENTS` maps them; others snake_cased)."""
    import yaml

    found: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return found
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or not isinstance(key.value, str):
            continue
        path = f"{prefix}{_SNAKE.get(key.value) or _snake(key.value)}"
        found[path] = key.start_mark.line + 1
        found.update(_member_lines(value, path + "."))
    return found


def _snake(name: str) -> str:
    """``"modelInvocationType"`` -> ``"model_invocation_type"``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _template_note(document: dict[str, Any], location: str) -> SourceNote:
    resources = document["Resources"]
    jobs = [name for name, spec in resources.items() if isinstance(spec, dict) and spec.get("Type") == CFN_TYPE]
    if jobs:
        message = (f"CloudFormation template: {len(jobs)} {CFN_TYPE} ({', '.join(map(str, jobs[:5]))}) recognised; "
                   "the type takes no properties today, so there is nothing to check before deployment "
                   f"({len(resources)} resources read)")
    else:
        message = f"CloudFormation template without {CFN_TYPE}: nothing to check ({len(resources)} resources read)"
    return SourceNote(message, location, readable_empty=True)


SOURCE = RequestSource()
