"""What a live scan tells the user on stderr: a progress line while it runs (only when stderr is a
terminal), notes, and one closing line of what was covered (always).

The progress line is redrawn in place (carriage return + erase line) at most ten times a second, and
erased before anything else is printed, so it never mixes with report lines on a shared terminal.
Counters are updated from worker threads; drawing happens only in the thread that reads the scan.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

PREFIX = "bedrock-audit: "
REDRAW_SECONDS = 0.1


class Progress:
    """Counters of a live scan and their display.

    ``stream``: where to write (stderr). ``live``: draw the progress line (default: when ``stream`` is
    a terminal).
    """

    def __init__(self, stream: TextIO | None = None, live: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if live is None:
            isatty = getattr(self.stream, "isatty", None)
            live = bool(isatty and isatty())
        self.live = live
        self.pairs_total = 0
        self.pairs_done = 0
        self.jobs_found = 0
        self.tags_pending = 0
        self._lock = threading.Lock()
        self._drawn = False
        self._last = 0.0

    def add(self, *, pairs_done: int = 0, jobs: int = 0, tags: int = 0) -> None:
        """Update counters (thread-safe): pairs finished, jobs listed, tag calls queued (negative when
        they finish)."""
        with self._lock:
            self.pairs_done += pairs_done
            self.jobs_found += jobs
            self.tags_pending += tags

    def tick(self) -> None:
        """Redraw the progress line if it is due (call from the reading thread only)."""
        if not self.live:
            return
        now = time.monotonic()
        if now - self._last < REDRAW_SECONDS:
            return
        self._last = now
        with self._lock:
            text = (f"aws: {self.pairs_done}/{self.pairs_total} account/region pairs listed, "
                    f"{self.jobs_found} jobs found, {self.tags_pending} tag calls pending")
        self.stream.write("\r\x1b[K" + PREFIX + text)
        self.stream.flush()
        self._drawn = True

    def clear(self) -> None:
        """Erase the progress line (before anything else is written)."""
        if self._drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._drawn = False
            self._last = 0.0

    def note(self, message: str) -> None:
        """A one-line note (``bedrock-audit: note: ...``), always shown."""
        self.clear()
        self.stream.write(f"{PREFIX}note: {message}\n")
        self.stream.flush()

    def close(self, line: str) -> None:
        """The closing line (``bedrock-audit: aws: ...``), always shown."""
        self.clear()
        self.stream.write(f"{PREFIX}aws: {line}\n")
        self.stream.flush()
