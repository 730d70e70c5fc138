"""`qz explore` without a browser: the kernel-channel frame checks (the Voilà 0.5.13 binary-frame bug),
the rate limit, the address it prints, its refusal to serve the network without a token, and the
page's web font. The served page itself is driven in tests/test_browser.py."""
from __future__ import annotations

import json
import re
import time

import pytest
from click.testing import CliRunner
from jupyter_server.services.kernels.connection.base import serialize_binary_message, serialize_msg_to_ws_v1

from qzlib.scenarios.explorer.guard import V1, FrameError, RateLimit, check_incoming, outgoing_type, read
from qzlib.scenarios.serve import explore, is_loopback, lan_address, shown_address

ALLOWED = ["comm_open", "comm_close", "comm_msg", "comm_info_request", "kernel_info_request", "shutdown_request"]


def _parts(msg_type: str, content: dict | None = None) -> list[bytes]:
    header = {"msg_id": "1", "msg_type": msg_type, "username": "", "session": "s", "date": "", "version": "5.3"}
    return [json.dumps(x).encode() for x in (header, {}, {}, content or {})]


def _legacy_binary(msg_type: str, buffers: list[bytes]) -> bytes:
    return serialize_binary_message({"header": {"msg_id": "1", "msg_type": msg_type}, "parent_header": {},
                                     "metadata": {}, "content": {"data": {"method": "update"}},
                                     "channel": "iopub", "buffers": buffers})


def test_the_chart_update_that_broke_voila_is_read_safely():
    """A chart update on a legacy connection: Voilà 0.5.13 read its first 8 bytes as a v1 count
    (about 8.6e17 here) and built a list that long; the guard answers at once."""
    frame = _legacy_binary("comm_msg", [b"\x00" * 800, b"\x01" * 800])
    assert int.from_bytes(frame[:8], "little") > 10 ** 15      # what Voilà's reader took as a count
    t0 = time.perf_counter()
    assert outgoing_type(frame, V1) is None                     # misread as v1: refused, not expanded
    assert outgoing_type(frame, None) == "comm_msg"             # read as what it is
    assert time.perf_counter() - t0 < 0.01


def test_well_formed_frames_of_both_protocols_are_read():
    v1 = serialize_msg_to_ws_v1(_parts("comm_msg"), "shell")
    assert (read(v1, V1).channel, read(v1, V1).header["msg_type"]) == ("shell", "comm_msg")
    text = json.dumps({"header": {"msg_id": "1", "msg_type": "comm_msg"}, "channel": "shell", "content": {}})
    assert read(text, None).header["msg_type"] == "comm_msg"
    assert check_incoming(serialize_msg_to_ws_v1(_parts("shutdown_request"), "control"), V1, ALLOWED).channel == "control"
    assert outgoing_type(json.dumps({"header": {"msg_id": "1", "msg_type": "execute_input"}}), None) == "execute_input"


@pytest.mark.parametrize("frame, protocol, says", [
    (b"\xff" * 64, V1, "offsets: expected 6 to 18"),
    (b"\x06" + b"\x00" * 7 + b"\xff" * 56, V1, "offsets out of order or beyond the frame"),
    (b"\x00" * 5, V1, "frame shorter than its count"),
    ("{}", V1, "text frame on a binary (v1) connection"),
    (b"\xff" * 64, None, "buffers: expected 1 to 16"),
    (b"\x00\x00\x00\x02\x00\x00\x00\x0c\x00\x00\x10\x00", None, "offsets out of order or beyond the frame"),
    ("not json", None, "message is not JSON"),
    ('{"header": "x"}', None, "message without a header"),
    ('{"header": {"msg_id": "1"}}', None, "header without a msg_type"),
    (json.dumps({"header": {"msg_id": "1", "msg_type": "execute_request"}}), None, "'execute_request' is not allowed"),
    (json.dumps({"header": {"msg_id": "1", "msg_type": "comm_msg"}, "channel": "iopub"}), None,
     "channel 'iopub' does not take messages from a page"),
    (serialize_msg_to_ws_v1(_parts("comm_msg"), "stdin"), V1, "channel 'stdin' does not take messages"),
    ('"x' + "x" * 300_000 + '"', None, "larger than"),
])
def test_frames_a_kernel_channel_cannot_parse_or_may_not_receive_are_refused(frame, protocol, says):
    with pytest.raises(FrameError, match=re.escape(says)):
        check_incoming(frame, protocol, ALLOWED)


def test_the_rate_limit_refills_at_its_rate():
    now = [0.0]
    r = RateLimit(per_second=20, burst=80, clock=lambda: now[0])
    assert sum(r.allow() for _ in range(100)) == 80
    now[0] += 0.5
    assert sum(r.allow() for _ in range(100)) == 10


def test_the_printed_address_is_one_a_colleague_can_open():
    assert shown_address("127.0.0.1", 8866, "") == "http://127.0.0.1:8866/"
    wide = shown_address("0.0.0.0", 8866, "abc")
    host = wide.split("//")[1].split(":")[0]
    assert host == lan_address() and host not in ("0.0.0.0", "127.0.0.1") and wide.endswith(":8866/?token=abc")
    assert shown_address("::", 80, "t").startswith("http://") and is_loopback("::1") and not is_loopback("10.1.2.3")


def test_serving_the_network_without_a_token_is_refused(processed_dir):
    result = CliRunner().invoke(explore, ["--host", "0.0.0.0", "--token", "", "--processed-dir", str(processed_dir)])
    assert result.exit_code == 2 and "必须有令牌" in result.output and "requires a token" in result.output


def test_the_command_line_offers_the_limits():
    text = CliRunner().invoke(explore, ["--help"]).output
    for option in ("--host", "--port", "--idle-timeout", "--max-kernels", "--token"):
        assert option in text


def test_the_web_font_has_every_character_the_page_can_show():
    from fontTools.ttLib import TTFont

    from qzlib.fonts import font_path
    from qzlib.scenarios.explorer.font import FAMILY, WOFF2, cmap, gb2312, needed

    have = cmap(WOFF2)
    source = {chr(c) for c in TTFont(str(font_path()), fontNumber=0).getBestCmap()}   # WenQuanYi Micro Hei
    missing = "".join(sorted((set(needed()) & source) - have))
    assert missing == "", (f"characters the page may show but {WOFF2.name} lacks: {missing!r}; "
                           "rebuild it: .venv/bin/python -m qzlib.scenarios.explorer.font")
    assert set(gb2312()) & source <= have and "衢" in have and WOFF2.stat().st_size < 700 * 1024
    assert TTFont(str(WOFF2)).flavor == "woff2" and "WenQuanYi" in TTFont(str(WOFF2))["name"].getBestFamilyName()
    assert FAMILY in (WOFF2.parent.parent / "jupyter" / "voila" / "templates" / "qz415x" / "index.html.j2").read_text(
        encoding="utf-8")


def test_make_lab_allows_root_only_as_root():
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(["make", "-n", "-o", "setup", "lab"], cwd=root, capture_output=True, text=True, check=True).stdout
    command = [line for line in out.splitlines() if "jupyter lab" in line]
    assert command and command[-1].endswith("--allow-root") == (os.geteuid() == 0)


class _Handler:
    """What :func:`notice` uses of a tornado handler: the request's query, and the response."""

    def __init__(self, query: str):
        from urllib.parse import parse_qs

        self.settings = {"base_url": "/"}
        self.request = type("Request", (), {"query_arguments": {k: [x.encode() for x in v]
                                                                 for k, v in parse_qs(query).items()}})()
        self.status, self.headers, self.body = None, {}, ""

    def get_query_argument(self, name, default=None):
        values = self.request.query_arguments.get(name)
        return values[-1].decode() if values else default

    def clear(self):
        self.headers = {}

    def set_status(self, status):
        self.status = status

    def set_header(self, name, value):
        self.headers[name] = value

    def finish(self, body):
        self.body = body


@pytest.mark.parametrize("query, lang", [("", "zh"), ("lang=en", "en"), ("lang=fr", "zh")])
def test_the_served_notices_speak_the_language_asked_for(query, lang):
    from qzlib.i18n import N_
    from qzlib.scenarios.explorer.server import notice

    h = _Handler(query)
    notice(h, 503, N_("情景探索器已满"), N_("同时打开的页面已达上限（{n} 个）。请稍后再试：别人关闭页面或页面"
                                       "闲置超时后，名额会自动空出。"), n=3)
    assert h.status == 503 and h.headers["Cache-Control"] == "no-store"
    if lang == "zh":
        assert "<html lang='zh-CN'>" in h.body and "<h1>情景探索器已满</h1>" in h.body and "上限（3 个）" in h.body
        assert "href='?lang=en' lang='en'>English</a>" in h.body
    else:
        assert "<html lang='en'>" in h.body and "<h1>The scenario explorer is full</h1>" in h.body
        assert "({n}) has been reached".format(n=3) in h.body and "href='?lang=zh' lang='zh'>中文</a>" in h.body
        assert not re.search(r"[\u4e00-\u9fff]", h.body.replace("中文", ""))
    h = _Handler("token=abc&lang=en")
    notice(h, 403, N_("需要访问令牌"), N_("这个情景探索器只对持有访问令牌的同事开放：请使用启动者给出的"
                                     "完整网址（末尾带有 ?token=…）。"))
    assert "<h1>Access token needed</h1>" in h.body and "href='?token=abc&amp;lang=zh'" in h.body
