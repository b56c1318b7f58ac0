"""ACME001 job-name-convention: batch job names follow ACME's naming convention.

A rule is metadata plus a pure function of one job: no I/O, no clock (use ``job.now``), no globals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from checker import Job, Rule, Severity, Verdict, failed, passed


def check(job: Job, params: Mapping[str, Any]) -> Verdict:
    """FAIL when the job has no name, a name longer than ``max_length`` or one ``pattern`` does not match.

    ``params`` holds the options from ``[rules.ACME001]``, already validated against ``PARAMS`` below,
    with the defaults filled in.
    """
    name = job.get("job_name")  # raises UnknownData if the export lacks the column: an ERROR, never a PASS
    if name is None:
        return failed("the job has no name", "/job_name")
    if len(name) > params["max_length"]:
        return failed(f"job name {name!r} is {len(name)} characters long; "
                      f"the limit is {params['max_length']}", "/job_name")
    if not re.fullmatch(params["pattern"], name):
        return failed(f"job name {name!r} does not match the naming convention {params['pattern']}",
                      "/job_name")
    return passed()


PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "pattern": {
            "description": "Regular expression the whole job name must match.",
            "type": "string", "format": "regex", "minLength": 1,
            "default": "^[a-z][a-z0-9]*(-[a-z0-9]+)*$",
        },
        "max_length": {
            "description": "Longest allowed job name (the service allows 63 characters).",
            "type": "integer", "minimum": 1, "maximum": 63, "default": 48,
        },
    },
}

RULE = Rule(
    id="ACME001",
    name="job-name-convention",
    title="Job name follows the ACME naming convention",
    description="The job name is lowercase words joined by hyphens (by default) and at most max_length "
                "characters long.",
    rationale="ACME's cost reports and alerts group batch jobs by name prefix; jobs named otherwise are "
              "missed by both. The service itself accepts names of 1-63 characters matching "
              "[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9\\+\\-\\.]){0,63} (botocore bedrock/2023-04-20, "
              "ModelInvocationJobName shape).",
    remediation="Submit the job again with a jobName that follows the convention "
                "(CreateModelInvocationJob); a job's name cannot be changed.",
    severity=Severity.LOW,
    check=check,
    help_url="https://wiki.acme.example/bedrock/job-names",
    categories=("hygiene",),
    params_schema=PARAMS,
    columns=("job_name",),
)
