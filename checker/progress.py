"""Progress of a file scan on a terminal (issue 15 item 14): a rich bar on stderr, by bytes read.

Shown only when stderr is a terminal, and only once a scan has been reading files for
:data:`DELAY_SECONDS` (a short scan prints nothing, and rich is not even imported); it is transient
(erased when reading ends, before the reports are written). The bytes are the read offset of the file
being read (``os.lseek`` on its descriptor: what the source has taken from the OS, read-ahead included)
against its size; stdin and ``scheme://`` inputs have no size and show no bar.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from typing import IO, Any, TypeVar

DELAY_SECONDS = 2.0
"""A scan reading files for less than this shows no progress (``BEDROCK_AUDIT_PROGRESS_DELAY`` seconds
replaces it: the tests use 0)."""
_CHECK_EVERY = 256
"""Items between two looks at the clock and the file offset (a look costs about a microsecond)."""

T = TypeVar("T")


class FileProgress:
    """Follows the files a scan reads; draws on ``stream`` (default stderr) only if it is a terminal."""

    def __init__(self, stream: IO[str] | None = None, delay: float | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _isatty(self.stream)
        self.delay = delay if delay is not None else _delay()
        self.started = time.monotonic()
        self._bar: Any = None  # rich.progress.Progress once shown
        self._task: Any = None

    def follow(self, path: str, stream: IO[bytes], items: Iterator[T]) -> Iterator[T]:
        """``items`` (read from ``stream``, the open file ``path``), updating the bar as they pass."""
        if not self.enabled:
            yield from items
            return
        try:
            fd, size = stream.fileno(), os.fstat(stream.fileno()).st_size
        except (OSError, AttributeError, ValueError):
            yield from items
            return
        for count, item in enumerate(items, 1):
            yield item
            if count % _CHECK_EVERY == 0:
                self._update(path, fd, size)

    def _update(self, path: str, fd: int, size: int) -> None:
        if self._bar is None:
            if time.monotonic() - self.started < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

            console = Console(file=self.stream)
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                                 TimeRemainingColumn(), console=console, transient=True, redirect_stdout=False)
            self._bar.start()
        try:
            offset = os.lseek(fd, 0, os.SEEK_CUR)
        except OSError:
            return
        description = f"reading {os.path.basename(path)}"
        if self._task is None:
            self._task = self._bar.add_task(description, total=size, completed=offset)
        else:
            self._bar.update(self._task, description=description, total=size, completed=min(offset, size))

    def close(self) -> None:
        """Erase the bar (when reading ends, before the reports are written)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def _delay() -> float:
    try:
        return float(os.environ.get("BEDROCK_AUDIT_PROGRESS_DELAY", DELAY_SECONDS))
    except ValueError:
        return DELAY_SECONDS


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
