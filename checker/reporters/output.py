"""Where reports go: stdout, or files written atomically (temp file in the same folder + rename).

A crash or an interrupted scan never leaves a half-written report file: the temporary file is removed
and any previous report at that path is left untouched.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TextIO

from checker.errors import OutputError


class AtomicFile:
    """A text file that appears at ``path`` only on :meth:`commit`. UTF-8, ``\\n`` line ends.

    A ``path`` that is a symbolic link is written through it: the file it points to is replaced and the
    link stays. A ``path`` that exists but is not a regular file (``/dev/stdout``, a FIFO, a process
    substitution such as ``>(jq .)``) cannot be renamed over -- as root that would replace the device
    node -- so it is opened and written as a stream: what was written stays written on abort.
    Raises :class:`OutputError` at construction if the folder does not exist or is not writable.
    """

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        self._temp: str | None = None
        if self.path.is_dir():
            raise OutputError(f"{path}: is a directory")
        if self.path.exists() and not self.path.is_file():
            try:
                self.stream: TextIO = open(self.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            except OSError as exc:
                raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
            return
        target = Path(os.path.realpath(self.path))
        folder = target.parent
        if not folder.is_dir():
            shown = folder if self.path.is_symlink() else self.path.parent
            raise OutputError(f"{path}: folder {shown} does not exist")
        try:
            fd, self._temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        self.target = target
        self.stream = open(fd, "w", encoding="utf-8", newline="\n")  # noqa: SIM115

    def commit(self) -> None:
        """Flush, fsync and rename into place (a stream destination: flush and close)."""
        self.stream.flush()
        if self._temp is None:
            self.stream.close()
            return
        os.fsync(self.stream.fileno())
        self.stream.close()
        os.chmod(self._temp, 0o644)
        os.replace(self._temp, self.target)

    def abort(self) -> None:
        """Discard the temporary file (a stream destination: close it)."""
        try:
            self.stream.close()
        finally:
            if self._temp is not None and os.path.exists(self._temp):
                os.unlink(self._temp)


def text_spool(max_size: int) -> IO[str]:
    """A UTF-8 text temporary file, held in memory until it passes ``max_size`` bytes, for the
    parts of a streamed report that are written after their totals are known. Read it back with
    :func:`drain`."""
    return tempfile.SpooledTemporaryFile(max_size=max_size, mode="w+", encoding="utf-8")  # noqa: SIM115


def drain(spool: IO[str], write: Callable[[str], object]) -> None:
    """Pass everything written to ``spool`` (a :func:`text_spool`) to ``write``, 64 Ki characters at a
    time (whole characters: the spool is text), then close it."""
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        write(chunk)
    spool.close()


class StdoutOutput:
    """stdout as UTF-8 text (whatever the locale), flushed on commit."""

    def __init__(self) -> None:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # replaced stdout (e.g. a test's capture): write text as is
            self.stream: TextIO = sys.stdout
            self._wrapper = None
        else:
            sys.stdout.flush()
            self._wrapper = io.TextIOWrapper(buffer, encoding="utf-8", errors="replace", newline="\n",
                                             line_buffering=bool(sys.stdout.line_buffering))
            self.stream = self._wrapper

    def commit(self) -> None:
        """Flush (stdout stays open)."""
        self.stream.flush()
        if self._wrapper is not None:
            self._wrapper.detach()

    def abort(self) -> None:
        """Flush what was written."""
        self.commit()
