"""Kernel-channel frames checked before anything trusts them, and a rate limit per connection.

Jupyter's kernel websocket carries three framings: the ``v1.kernel.websocket.jupyter.org``
binary protocol (an 8-byte count, 8-byte offsets, the channel, then header, parent header,
metadata, content and buffers), and on a connection opened without it ("legacy") JSON text or
a binary frame with a 4-byte count and 4-byte offsets. Voilà 0.5.13 reads the header of every
binary frame it sends as the v1 protocol; on a legacy connection a chart update (a binary
legacy frame) makes it read 4 bytes of JSON as an 8-byte count of about 8.6e17 and build a list
that long: one hand-made socket pins a CPU and grows the server ~45 MB/s. Here every count and
offset is checked against the frame's length before a list is built, in both directions.
"""
from __future__ import annotations

import json
import struct
import time
from dataclasses import dataclass

V1 = "v1.kernel.websocket.jupyter.org"
MAX_PARTS = 16            # header, parent header, metadata, content and at most 12 buffers
MAX_JSON = 256 * 1024     # a header or a text frame larger than this is not a widget message


class FrameError(ValueError):
    """A frame a kernel channel cannot parse (or may not receive); says what was wrong."""


@dataclass
class Frame:
    channel: str | None
    header: dict


def _offsets(frame: bytes, width: int, count: int) -> list[int]:
    fmt = "<Q" if width == 8 else "!I"
    need = width * (count + 1)
    if len(frame) < need:
        raise FrameError(f"frame of {len(frame)} bytes too short for {count} offsets")
    offsets = [struct.unpack_from(fmt, frame, width * (i + 1))[0] for i in range(count)]
    if offsets[0] < need or any(b < a for a, b in zip(offsets, offsets[1:])) or offsets[-1] > len(frame):
        raise FrameError("offsets out of order or beyond the frame")
    return offsets


def _json(part: bytes | str, what: str) -> dict:
    if len(part) > MAX_JSON:
        raise FrameError(f"{what} larger than {MAX_JSON} bytes")
    try:
        value = json.loads(part)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FrameError(f"{what} is not JSON ({exc.__class__.__name__})") from None
    if not isinstance(value, dict):
        raise FrameError(f"{what} is not a JSON object")
    return value


def _header(h: dict) -> dict:
    if not isinstance(h.get("msg_type"), str) or not isinstance(h.get("msg_id", ""), str):
        raise FrameError("header without a msg_type")
    return h


def read(frame: bytes | str, protocol: str | None) -> Frame:
    """Channel and header of a frame in ``protocol`` (``V1`` or None for legacy), or FrameError.

    >>> read(b"\\x00" * 8, V1)
    Traceback (most recent call last):
    ...
    qzlib.scenarios.explorer.guard.FrameError: 0 offsets: expected 6 to 18
    """
    if protocol == V1:
        if isinstance(frame, str):
            raise FrameError("text frame on a binary (v1) connection")
        if len(frame) < 8:
            raise FrameError("frame shorter than its count")
        count = int.from_bytes(frame[:8], "little")
        if not 6 <= count <= MAX_PARTS + 2:
            raise FrameError(f"{count} offsets: expected 6 to {MAX_PARTS + 2}")
        offsets = _offsets(frame, 8, count)
        try:
            channel = frame[offsets[0]:offsets[1]].decode("utf-8")
        except UnicodeDecodeError:
            raise FrameError("channel name is not text") from None
        return Frame(channel, _header(_json(frame[offsets[1]:offsets[2]], "header")))
    if isinstance(frame, str):
        msg = _json(frame, "message")
        channel = msg.get("channel")
    else:
        if len(frame) < 4:
            raise FrameError("frame shorter than its count")
        count = struct.unpack("!I", frame[:4])[0]
        if not 1 <= count <= MAX_PARTS:
            raise FrameError(f"{count} buffers: expected 1 to {MAX_PARTS}")
        offsets = _offsets(frame, 4, count)
        msg = _json(frame[offsets[0]:offsets[1] if count > 1 else len(frame)], "message")
        channel = msg.get("channel")
    if not isinstance(msg.get("header"), dict):
        raise FrameError("message without a header")
    if channel is not None and not isinstance(channel, str):
        raise FrameError("channel name is not text")
    return Frame(channel, _header(msg["header"]))


def check_incoming(frame: bytes | str, protocol: str | None, allowed_types, channels=("shell", "control")) -> Frame:
    """The frame's channel and header if the page may send it to its kernel, else FrameError."""
    f = read(frame, protocol)
    if (f.channel or "shell") not in channels:
        raise FrameError(f"channel {f.channel!r} does not take messages from a page")
    if allowed_types and f.header["msg_type"] not in allowed_types:
        raise FrameError(f"message type {f.header['msg_type']!r} is not allowed")
    return f


def outgoing_type(message: bytes | str, protocol: str | None) -> str | None:
    """The msg_type of a frame the server is about to send, without trusting its counts
    (None when it cannot be read: such a frame is sent as it is)."""
    if isinstance(message, str):
        head = message[:600]   # the server writes the header first; a JSON text is not parsed twice
        i = head.find('"msg_type": "')
        return head[i + 13:head.find('"', i + 13)] if i >= 0 else None
    try:
        return read(message, protocol).header["msg_type"]
    except FrameError:
        return None


class RateLimit:
    """A token bucket: ``burst`` messages at once, ``per_second`` on average.

    >>> r = RateLimit(per_second=1, burst=2, clock=lambda: 0.0)
    >>> [r.allow() for _ in range(3)]
    [True, True, False]
    """

    def __init__(self, per_second: float, burst: int, clock=time.monotonic):
        self.rate, self.burst, self.clock = per_second, burst, clock
        self.tokens, self.at = float(burst), clock()

    def allow(self) -> bool:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
