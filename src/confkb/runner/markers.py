"""Splitting a scenario container's output into blocks, at the driver's marker lines."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from confkb.runner.sandbox import OutputCapture

# A marker line is short; a longer "line" after the marker text is not one of ours.
_MAX_MARKER_LINE = 256


@dataclass(frozen=True)
class Event:
    """Something the driver announced.

    Attributes:
        kind: ``begin``, ``end``, ``stop``, ``done`` or ``eof`` (the stream closed).
        index: The step's index in its scenario (``begin``/``end``).
        exit_code: The block's exit code (``end``).
        refused: Forks the pids limit refused during the block (``end``).
        at: ``time.monotonic()`` when the event was read.
    """

    kind: str
    index: int | None = None
    exit_code: int | None = None
    refused: int = 0
    at: float = 0.0


class MarkerSplitter:
    """Feeds on raw output; keeps each block's output (capped) and reports marker events.

    Args:
        marker: The driver's marker text (``@@confkb-<token>@@``).
        cap: Bytes of output kept per block.
        on_event: Called for every event, from the reading thread.
    """

    def __init__(self, marker: str, cap: int, on_event: Callable[[Event], None]) -> None:
        self.needle = b"\n" + marker.encode() + b" "
        self.cap = cap
        self.on_event = on_event
        self.preamble = OutputCapture(cap)
        self.outputs: dict[int, OutputCapture] = {}
        self.current: int | None = None
        self._buffer = bytearray()

    def _emit(self, data: bytes | bytearray) -> None:
        if not data:
            return
        target = self.preamble if self.current is None else self.outputs[self.current]
        target.add(bytes(data))

    def _marker(self, text: str) -> None:
        parts = text.split()
        now = time.monotonic()
        kind = parts[0] if parts else ""
        try:
            if kind == "begin":
                self.current = int(parts[1])
                self.outputs.setdefault(self.current, OutputCapture(self.cap))
                self.on_event(Event("begin", self.current, at=now))
            elif kind == "end":
                index, code, refused = int(parts[1]), int(parts[2]), int(parts[3] or 0)
                self.current = None
                self.on_event(Event("end", index, code, max(0, refused), at=now))
            elif kind in {"stop", "done"}:
                self.on_event(Event(kind, at=now))
            else:
                self._emit(self.needle[1:] + text.encode() + b"\n")
        except (IndexError, ValueError):
            self._emit(self.needle[1:] + text.encode() + b"\n")

    def feed(self, data: bytes) -> None:
        """Consume a chunk of output."""
        buffer = self._buffer
        buffer += data
        while True:
            start = buffer.find(self.needle)
            if start < 0:
                # Keep a tail that could be the start of a marker cut in two.
                keep = len(self.needle) - 1
                if len(buffer) > keep:
                    self._emit(buffer[:-keep])
                    del buffer[:-keep]
                return
            end = buffer.find(b"\n", start + len(self.needle))
            if end < 0:
                if len(buffer) - start > _MAX_MARKER_LINE:
                    self._emit(buffer[: start + len(self.needle)])
                    del buffer[: start + len(self.needle)]
                    continue
                self._emit(buffer[:start])
                del buffer[:start]
                return
            self._emit(buffer[:start])
            text = bytes(buffer[start + len(self.needle): end]).decode("utf-8", "replace")
            del buffer[: end + 1]
            self._marker(text)

    def close(self) -> None:
        """The stream ended: flush what is left and report ``eof``."""
        self._emit(self._buffer)
        self._buffer.clear()
        self.on_event(Event("eof", at=time.monotonic()))

    def output(self, index: int) -> str:
        """The (capped) output of one step; empty when it never began."""
        capture = self.outputs.get(index)
        return capture.text() if capture else ""
