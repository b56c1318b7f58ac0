"""Turn the locations a user named (files, folders, ``-``, URIs) into one stream of raw rows.

The format of a file comes from ``--input-format``, else its extension, else sniffing its first bytes; a
source that ``refines`` another claims that one's files when it recognises their content (a Terraform
plan in a ``.json`` file).
Folders are walked (sorted, following links to folders, each folder read once) for files with a
registered extension; the other files are listed in a note on stderr, never skipped silently, and a
sub-folder that cannot be listed is a SOURCE problem. A location that cannot be read is a SOURCE
problem; reading goes on with the next location.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any

from checker.sources.base import Item, Source, SourceNote, source_problem

SNIFF_BYTES = 64 * 1024


class Inputs:
    """The registered sources, and how locations are routed to them.

    ``sources`` maps source name -> :class:`~checker.sources.base.Source`. ``note`` receives one-line
    notes for stderr (e.g. files in a folder that are not job exports and were not read).
    """

    def __init__(self, sources: Mapping[str, Source], note: Callable[[str], None]) -> None:
        self.sources = dict(sources)
        self.note = note
        self.progress: Any = None  # a checker.progress.FileProgress while read() runs

    def by_extension(self, path: str) -> Source | None:
        """The source claiming ``path``'s extension, if any."""
        suffix = os.path.splitext(path)[1].lower()
        for source in self.sources.values():
            if suffix and suffix in source.extensions:
                return source
        return None

    def by_scheme(self, location: str) -> Source | None:
        """The source claiming ``location``'s URI scheme (``aws://...``), if any."""
        scheme = location.split("://", 1)[0].lower()
        for source in self.sources.values():
            if scheme in source.schemes:
                return source
        return None

    def sniff(self, head: bytes) -> Source | None:
        """The first source (registration order) whose ``sniff`` accepts ``head``."""
        for source in self.sources.values():
            try:
                if source.sniff(head):
                    return source
            except Exception:  # a plugin's sniff must not stop the scan; it just does not claim the input
                continue
        return None

    def read(self, locations: Sequence[str], input_format: str | None = None) -> Iterator[Item]:
        """Yield the rows (and problems) of every location, in order (with a progress bar when stderr is a
        terminal and the files take more than two seconds: see :mod:`checker.progress`)."""
        from checker.progress import FileProgress

        self.progress = FileProgress()
        try:
            yield from self._read(locations, input_format)
        finally:
            if self.progress is not None:
                self.progress.close()

    def _read(self, locations: Sequence[str], input_format: str | None) -> Iterator[Item]:
        forced = self.sources.get(input_format) if input_format else None
        for location in locations:
            if "://" in location:
                source = self.by_scheme(location)
                if source is None:
                    yield source_problem(f"no input source handles {location.split('://')[0]}:// URIs", location)
                else:
                    yield from _guarded(source, location, None)
            elif location == "-":
                yield from self._read_stream(location, sys.stdin.buffer, forced)
            elif os.path.isdir(location):
                claimed = self.folder_reader(location, forced)
                if claimed is not None:  # a module folder, read whole; beside it, e.g., its plan.json
                    yield from self._read_whole(location, claimed, forced)
                    yield from self._read_beside(location, claimed, forced)
                else:
                    yield from self._read_folder(location, forced)
            else:
                yield from self._read_file(location, forced)

    def folder_reader(self, folder: str, forced: Source | None = None) -> Source | None:
        """The source that reads ``folder`` whole (``reads_folder``: a Terraform module is a folder of
        ``.tf`` files), if any; with ``--input-format`` only that source may claim it."""
        for source in [forced] if forced is not None else self.sources.values():
            reads_folder = getattr(source, "reads_folder", None)
            try:
                if reads_folder is not None and reads_folder(folder):
                    return source
            except Exception:  # noqa: BLE001,S112 - a plugin's check must not stop the scan
                continue
        return None

    def replacing(self, folder: str, claimed: Source, forced: Source | None = None) -> list[str]:
        """The files directly in ``folder`` that stand in for reading it whole with ``claimed``: a source
        naming ``claimed`` in its ``replaces`` whose ``replaces_folder`` accepts the file's first bytes (a
        Terraform plan beside its ``.tf`` files: the plan is what will be applied). ``[]`` with
        ``--input-format`` (the folder is then read as that format, alone)."""
        if forced is not None:
            return []
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return []
        found = []
        for name in names:
            path = os.path.join(folder, name)
            source = self.by_extension(path)
            stand_ins = [other for other in self.refiners(source) if claimed.name in getattr(other, "replaces", ())] \
                if source is not None and source is not claimed else []
            if name.startswith(".") or not stand_ins or not os.path.isfile(path):
                continue
            try:
                with open(path, "rb") as stream:
                    head = stream.read(SNIFF_BYTES)
            except OSError:
                continue
            for other in stand_ins:
                try:
                    if other.sniff(head) and other.replaces_folder(head):  # type: ignore[attr-defined]
                        found.append(path)
                        break
                except Exception:  # noqa: BLE001,S112 - a plugin's check must not stop the scan
                    continue
        return found

    def _read_whole(self, folder: str, claimed: Source, forced: Source | None) -> Iterator[Item]:
        """Read ``folder`` with ``claimed``, unless files beside its contents stand in for it
        (:meth:`replacing`): then a note says so, and those files are read by :meth:`_read_beside` or the walk."""
        plans = self.replacing(folder, claimed, forced)
        if not plans:
            yield from _guarded(claimed, folder, None)
            return
        shown = ", ".join(os.path.basename(path) for path in plans)
        yield SourceNote(f"scanned through {shown} (a plan is what will be applied); its .tf files are not "
                         f"evaluated, they give the findings' locations (--input-format {claimed.name} to scan "
                         "the .tf files alone)", folder)

    def _read_beside(self, folder: str, claimed: Source, forced: Source | None) -> Iterator[Item]:
        """The files directly in a folder read whole by ``claimed`` that another source reads by their
        extension (a ``plan.json`` beside the ``.tf`` files); sub-folders are the module's own."""
        if forced is not None:
            return
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            return
        for name in names:
            path = os.path.join(folder, name)
            source = self.by_extension(path)
            if not name.startswith(".") and source is not None and source is not claimed and os.path.isfile(path):
                yield from self._read_file(path, None)

    def _read_folder(self, folder: str, forced: Source | None) -> Iterator[Item]:
        found = False
        ignored: list[str] = []
        unlisted: list[OSError] = []
        visited = {os.path.realpath(folder)}
        for root, dirs, files in os.walk(folder, onerror=unlisted.append, followlinks=True):
            yield from _unlisted(unlisted)
            dirs[:] = _not_yet_visited(root, sorted(d for d in dirs if not d.startswith(".")), visited)
            whole = self.folder_reader(root, forced) if root != folder else None
            if whole is not None:  # a sub-folder of .tf files: one module, read whole (unless it is a module's)
                if os.sep + "modules" + os.sep in os.path.join(root, "") :
                    self.note(f"{root}: not read as a root module (under a modules folder: read through the "
                              "root modules that call it; name it to scan it alone)")
                else:
                    found = True
                    yield from self._read_whole(root, whole, forced)
                files = [name for name in files if not name.endswith(".tf")]
            for name in sorted(files):
                path = os.path.join(root, name)
                if name.startswith("."):
                    continue
                loop = link_loop(path)
                if loop is not None:  # it may have been a folder of exports: unread, so a gap (fail closed)
                    found = True
                    yield source_problem(loop, path)
                elif forced is not None or self.by_extension(path) is not None:
                    found = True
                    yield from self._read_file(path, forced)
                else:
                    ignored.append(path)
        failed = bool(unlisted)
        yield from _unlisted(unlisted)
        if ignored:
            shown = ", ".join(ignored[:5]) + (f" and {len(ignored) - 5} more" if len(ignored) > 5 else "")
            self.note(f"{folder}: not read (no job-export extension): {shown}")
        if not found and not failed:
            yield source_problem(f"folder holds no {self._extensions()} files", folder)

    def _extensions(self) -> str:
        """``".jsonl, .ndjson, .json or .csv"``: the extensions the registered sources claim."""
        claimed = [extension for source in self.sources.values() for extension in source.extensions]
        return ", ".join(claimed[:-1]) + f" or {claimed[-1]}" if len(claimed) > 1 else "".join(claimed)

    def _read_file(self, path: str, forced: Source | None) -> Iterator[Item]:
        try:
            stream = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is exhausted
        except FileNotFoundError:
            target = os.readlink(path) if os.path.islink(path) else None
            yield source_problem("no such file" if target is None else
                                 f"broken symbolic link: it points to {target}, which does not exist", path)
            return
        except IsADirectoryError:
            yield source_problem("is a directory", path)
            return
        except OSError as exc:
            yield source_problem(link_loop(path) or f"cannot open: {exc.strerror or exc}", path)
            return
        with stream:
            if forced is not None:
                items = self._read_stream(path, stream, forced)
            else:
                items = self._read_stream(path, stream, self.by_extension(path), refine=True)
            yield from items if self.progress is None else self.progress.follow(path, stream, items)

    def refiners(self, source: Source) -> list[Source]:
        """The sources that claim ``source``'s files by content (``refines = ("json",)``: a Terraform plan
        or a request body is a ``.json`` file too)."""
        return [other for other in self.sources.values() if source.name in getattr(other, "refines", ())]

    def _read_stream(self, location: str, stream: IO[bytes], source: Source | None,
                     refine: bool = False) -> Iterator[Item]:
        if source is not None and refine and self.refiners(source):
            try:
                head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
            except OSError:
                head = b""
            for other in self.refiners(source):
                try:
                    if other.sniff(head):
                        source = other
                        break
                except Exception:  # noqa: BLE001,S112 - a plugin's sniff must not stop the scan
                    continue
        if source is None:
            try:
                head = stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
            except OSError as exc:
                yield source_problem(f"cannot read: {exc.strerror or exc}", location)
                return
            if not head.strip():
                return  # empty input: no records (the scan decides whether that is allowed)
            source = self.sniff(head)
            if source is None:
                names = ", ".join(name for name, known in self.sources.items() if not known.schemes)
                yield source_problem(
                    f"cannot tell the format of this input; name it with --input-format ({names})", location
                )
                return
        yield from _guarded(source, location, stream)


MAX_LINK_HOPS = 40
"""Links followed before giving up, as Linux does (``MAXSYMLINKS``, path_resolution(7))."""


def link_loop(path: str) -> str | None:
    """``"symbolic link loop: a.jsonl -> b.jsonl -> a.jsonl (it never reaches a file or folder)"`` when
    ``path`` is a symbolic link whose chain of links comes back to itself (or is longer than
    :data:`MAX_LINK_HOPS`), else ``None`` (not a link, a link to something, a dangling link)."""
    chain = [path]
    seen = {os.path.abspath(path)}
    current = path
    for _ in range(MAX_LINK_HOPS):
        try:
            if not os.path.islink(current):
                return None
            target = os.readlink(current)
        except OSError:
            return None
        current = os.path.join(os.path.dirname(current), target)
        chain.append(target)
        key = os.path.abspath(current)
        if key in seen:
            return f"symbolic link loop: {' -> '.join(chain)} (it never reaches a file or folder)"
        seen.add(key)
    if not os.path.exists(current) and os.path.islink(current):
        return f"symbolic link loop: more than {MAX_LINK_HOPS} links from {path} without reaching a file or folder"
    return None


def _unlisted(errors: list[OSError]) -> Iterator[Item]:
    """A SOURCE problem per folder ``os.walk`` could not list (it would skip them silently); clears the list."""
    for error in errors:
        yield source_problem(f"cannot read folder: {error.strerror or error}", str(error.filename))
    errors.clear()


def _not_yet_visited(root: str, names: list[str], visited: set[str]) -> list[str]:
    """The sub-folders of ``root`` to descend into: links to folders are followed, but a folder already
    read (through another link, or a link back up the tree) is not read twice."""
    kept = []
    for name in names:
        real = os.path.realpath(os.path.join(root, name))
        if real not in visited:
            visited.add(real)
            kept.append(name)
    return kept


def _guarded(source: Source, location: str, stream: IO[bytes] | None) -> Iterator[Item]:
    """Run a source; an exception escaping it (a bug, or an OS error mid-read) becomes a SOURCE problem."""
    try:
        yield from source.read(location, stream)
    except OSError as exc:
        yield source_problem(f"read failed: {exc.strerror or exc}", location)
    except Exception as exc:  # noqa: BLE001 - reported as a problem, never dropped
        yield source_problem(f"the {source.name} reader failed: {type(exc).__name__}: {exc}", location)

