"""Which regions have a Bedrock control-plane endpoint, from botocore's own endpoint data.

Source: ``botocore/data/endpoints.json`` (``partitions[].regions`` is the partition's region list,
``partitions[].services.bedrock.endpoints`` the regions with a ``bedrock`` endpoint; keys such as
``bedrock-fips-us-east-1`` are hostname variants, not regions). With botocore 1.44.8: 33 regions in
``aws``, none in ``aws-cn`` (see ``../shared/reference/aws-facts.md`` §1.10). An endpoint does not
promise batch inference in that region, only that the API answers there.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RegionPlan:
    """The regions a scan lists (``scan``) and those it skips because Bedrock has no endpoint there
    (``skipped``, each with the partition it belongs to)."""

    scan: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    partition: str = "aws"
    notes: tuple[str, ...] = field(default=())


@functools.cache
def _endpoint_data() -> dict[str, Any]:
    import botocore.loaders

    data: dict[str, Any] = botocore.loaders.create_loader().load_data("endpoints")
    return data


def partitions() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    """``{partition: (all regions, regions with a bedrock endpoint)}``, each sorted."""
    out = {}
    for partition in _endpoint_data()["partitions"]:
        regions = tuple(sorted(partition.get("regions", {})))
        endpoints = partition.get("services", {}).get("bedrock", {}).get("endpoints", {})
        out[partition["partition"]] = (regions, tuple(r for r in regions if r in endpoints))
    return out


def partition_of(region: str) -> str | None:
    """The partition listing ``region`` (``aws``, ``aws-us-gov`` ...), or ``None`` if none does."""
    for name, (regions, _) in partitions().items():
        if region in regions:
            return name
    return None


def plan_regions(regions: Sequence[str], all_regions: bool, default_region: str | None) -> RegionPlan:
    """Decide the regions to scan.

    ``regions``: as the user named them; ``all_regions``: every region with a Bedrock endpoint in the
    partition of ``default_region`` (``aws`` when there is none; a note says so when that partition has
    none, e.g. ``aws-cn``). With neither, ``default_region`` is
    scanned. A region botocore does not know at all raises ``ValueError`` (most likely a typo; the
    message suggests the nearest name); a known region without a Bedrock endpoint is skipped, and the
    plan's notes say so. Regions of different partitions in one scan raise ``ValueError`` (one set of
    credentials cannot reach both).
    """
    table = partitions()
    if all_regions:
        home = (partition_of(default_region) if default_region else None) or "aws"
        notes: tuple[str, ...] = ()
        if not table[home][1]:
            notes = (f"--all-regions: botocore's endpoint data lists no Amazon Bedrock region in partition "
                     f"{home} (the partition of {default_region}); nothing to scan",)
        return RegionPlan(scan=table[home][1], partition=home, notes=notes)
    wanted = list(regions)
    if not wanted:
        if not default_region:
            raise ValueError("no region: name one with --region (repeatable) or use --all-regions, or set "
                             "AWS_REGION or a region in the profile")
        wanted = [default_region]
    scan: list[str] = []
    skipped: list[str] = []
    seen_partitions: set[str] = set()
    for region in wanted:
        found = partition_of(region)
        if found is None:
            known = [r for regions_, _ in table.values() for r in regions_]
            close = difflib.get_close_matches(region, known, n=1, cutoff=0.7)
            hint = f" (did you mean {close[0]}?)" if close else " (if it is new, upgrade botocore)"
            raise ValueError(f"--region: unknown region {region!r}{hint}")
        seen_partitions.add(found)
        if region in table[found][1]:
            scan.append(region)
        else:
            skipped.append(region)
    if len(seen_partitions) > 1:
        raise ValueError(f"--region: regions of different partitions ({', '.join(sorted(seen_partitions))}) "
                         "need different credentials; scan them separately")
    partition = seen_partitions.pop()
    skip_notes = tuple(f"{region}: Amazon Bedrock has no endpoint in this region (botocore endpoint data); "
                  "skipped, no jobs can exist there" for region in skipped)
    return RegionPlan(scan=tuple(scan), skipped=tuple(skipped), partition=partition, notes=skip_notes)


def default_region(profile: str | None) -> str | None:
    """The region the profile or the environment names (``AWS_REGION``, ``AWS_DEFAULT_REGION``, the
    profile's ``region``), or ``None``. Raises ``ValueError`` if the profile does not exist."""
    import botocore.exceptions
    import botocore.session

    session = botocore.session.Session(profile=profile)
    try:
        name = session.profile
        if name is not None and name not in session.available_profiles:
            raise botocore.exceptions.ProfileNotFound(profile=name)
        region = session.get_config_variable("region")
    except botocore.exceptions.ProfileNotFound as exc:
        origin = "--profile" if profile is not None else "AWS_PROFILE"
        name = exc.kwargs.get("profile")
        raise ValueError(f"{origin}: no profile {name!r} in the AWS config files") from None
    return str(region) if region else None
