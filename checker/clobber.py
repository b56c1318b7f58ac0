"""Refuse an output file that names an input (``-o json=jobs.csv`` after ``scan jobs.csv``): checked before
anything is read or written, so the input is never overwritten by the report made from it."""

from __future__ import annotations

import os
from collections.abc import Iterable

from checker.errors import ConfigError


def _same_file(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are one file: through symbolic links (``realpath``), and through hard
    links or bind mounts (``samefile``: same device and inode) when both exist."""
    try:
        if os.path.samefile(a, b):
            return True
    except OSError:  # one of them does not exist (yet)
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def _inside(path: str, folder: str) -> bool:
    """True when ``path`` (resolved) lies somewhere under ``folder`` (resolved)."""
    root = os.path.realpath(folder)
    return os.path.realpath(path).startswith(root.rstrip(os.sep) + os.sep)


def refuse_inputs_as_outputs(outputs: Iterable[tuple[str, str]], inputs: Iterable[tuple[str, str]],
                             read_extensions: tuple[str, ...] | None = None) -> None:
    """Raise ``ConfigError`` (exit 2) when an output names an input.

    ``outputs``: ``(flag as the user wrote it, path)``, e.g. ``("-o json=in.csv", "in.csv")``; ``-`` (stdout)
    is never an input. ``inputs``: ``(what, path)``, e.g. ``("input", "in.csv")``, ``("--baseline", "b.json")``;
    ``-`` and ``scheme://`` locations are skipped. An input that is a folder also claims every existing
    file inside it that a folder scan reads: one whose extension is in ``read_extensions`` (``None``: every
    file, as with ``--input-format``); hidden files are not read, so they are not claimed.
    """
    checked = [(what, path) for what, path in inputs if path != "-" and "://" not in path]
    for flag, target in outputs:
        if target == "-":
            continue
        for what, path in checked:
            if os.path.isdir(path):
                if (os.path.isfile(target) and _inside(target, path) and not os.path.basename(target).startswith(".")
                        and (read_extensions is None
                             or os.path.splitext(target)[1].lower() in read_extensions)):
                    raise ConfigError(f"{flag}: {target} is inside the input folder {path}, which this scan "
                                      "reads: writing there would overwrite an input; name a file outside it")
            elif _same_file(target, path):
                shown = path if what == "input" else f"{what} {path}"
                raise ConfigError(f"{flag}: {target} is an input of this command ({shown}): writing there "
                                  "would overwrite it; name another file")


def scan_inputs(locations: Iterable[str], config: os.PathLike[str] | str | None = None,
                waiver_files: Iterable[os.PathLike[str] | str] = (),
                baseline: os.PathLike[str] | str | None = None) -> list[tuple[str, str]]:
    """The files a scan reads, as :func:`refuse_inputs_as_outputs` takes them: its locations (``input``),
    the policy file named with ``--config``, the ``--waivers`` files and the ``--baseline`` file."""
    found = [("input", str(location)) for location in locations]
    found += [("--config", os.fspath(config))] if config is not None else []
    found += [("--waivers", os.fspath(path)) for path in waiver_files]
    found += [("--baseline", os.fspath(baseline))] if baseline is not None else []
    return found


def read_extensions(extensions: Iterable[str], input_format: str | None) -> tuple[str, ...] | None:
    """The extensions a folder scan reads (the sources' own), or ``None`` (every file) with ``--input-format``."""
    return None if input_format else tuple(extensions)
