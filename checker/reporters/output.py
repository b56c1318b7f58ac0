"""Where reports go: stdout, or files written atomically (temp file in the same folder + rename).

A crash or an interrupted scan never leaves a half-written report file: the temporary file is removed
and any previous report at that path is left untouched.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO


class OutputError(Exception):
    """A report destination cannot be written (a usage error, exit 2)."""


class AtomicFile:
    """A text file that appears at ``path`` only on :meth:`commit`. UTF-8, ``\\n`` line ends.

    Raises :class:`OutputError` at construction if the folder does not exist or is not writable.
    """

    def __init__(self, path: str) -> None:
        self.path = Path(path)
        folder = self.path.parent
        if self.path.is_dir():
            raise OutputError(f"{path}: is a directory")
        if not folder.is_dir():
            raise OutputError(f"{path}: folder {folder} does not exist")
        try:
            fd, self._temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None
        self.stream: TextIO = open(fd, "w", encoding="utf-8", newline="\n")  # noqa: SIM115

    def commit(self) -> None:
        """Flush, fsync and rename into place."""
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        os.chmod(self._temp, 0o644)
        os.replace(self._temp, self.path)

    def abort(self) -> None:
        """Discard the temporary file."""
        try:
            self.stream.close()
        finally:
            if os.path.exists(self._temp):
                os.unlink(self._temp)


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

    def isatty(self) -> bool:
        """True when stdout is a terminal."""
        return sys.stdout.isatty()

    def commit(self) -> None:
        """Flush (stdout stays open)."""
        self.stream.flush()
        if self._wrapper is not None:
            self._wrapper.detach()

    def abort(self) -> None:
        """Flush what was written."""
        self.commit()
