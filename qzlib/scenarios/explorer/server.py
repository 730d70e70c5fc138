"""The explorer served to colleagues: Voilà with the limits a page on the intranet needs.

:class:`ExplorerServer` is Voilà's application with its handlers replaced by stricter ones and
its kernel manager bounded:

- **kernels**: at most ``max_kernels`` at once (the preheated one included); a visitor beyond that
  gets a page saying the explorer is full (Chinese; English with ``?lang=en``, as every notice). Kernels of closed or idle pages are culled after
  ``idle_timeout`` seconds; the kernel of a page that never opens its websocket (a link preview,
  ``curl``, a health check) 10 to 30 seconds after its page was sent (the idle timeout, within
  those bounds), and one address may hold at
  most :data:`UNCONNECTED_PER_ADDRESS` such kernels. Each kernel's data segment is capped
  (``RLIMIT_DATA``, ``kernel_memory_mb``): a runaway kernel gets a MemoryError, the server does not.
- **ownership**: the page's response carries a signed cookie naming its kernel; only that browser may
  open the kernel's channels, read its model or shut it down (Voilà lets anyone who knows a kernel
  id send it ``shutdown_request``).
- **channels**: one websocket per kernel; every incoming frame is parsed safely
  (:mod:`~qzlib.scenarios.explorer.guard`) and refused unless it is a widget message for the
  shell or control channel; frames larger than :data:`MAX_FRAME` or faster than
  :data:`RATE` close the connection; outgoing frames are read safely (the Voilà 0.5.13 bug) and a
  client that does not read its messages is disconnected before the server buffers
  :data:`MAX_WRITE_BUFFER` bytes for it. Kernel messages are not buffered for absent pages.
- **stopping** (Ctrl-C, SIGTERM, SIGHUP) stops every kernel and frees the port.
- ``/qz/status`` (same authentication as the page) reports kernel counts; ``/qz/static/`` serves the
  page's web font.
"""
from __future__ import annotations

import asyncio
import html
import resource
import shutil
import signal
import time
import urllib.parse
from pathlib import Path

import tornado.web
from jupyter_core.utils import ensure_async, run_sync
from jupyter_server._tz import utcnow
from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.httpserver import HTTPServer
from tornado.ioloop import IOLoop, PeriodicCallback
from tornado.websocket import WebSocketHandler
from traitlets import Float, Integer
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from qzlib import i18n
from qzlib.i18n import LANGS, N_, T
from qzlib.paths import RESOURCES
from qzlib.scenarios.explorer.guard import FrameError, RateLimit, check_incoming, outgoing_type

WEB = RESOURCES / "web"                 # the page's static files (the CJK web font)
OWNER_COOKIE = "qz-kernels"
MAX_FRAME = 256 * 1024                  # bytes: a widget message is a few kB
RATE = (20.0, 80)                       # messages a second on average, and at once, per connection
MAX_WRITE_BUFFER = 8 * 1024 * 1024      # bytes queued for one slow client before it is disconnected
UNCONNECTED_PER_ADDRESS = 2             # kernels one address may hold without opening their page
NOTICE_CSS = ("body{font-family:'QZ WenQuanYi',sans-serif;margin:15vh auto;max-width:34em;color:#1f3b57;"
              "line-height:1.7;padding:0 1em}h1{font-size:22px}p{font-size:15px}.qz-other{font-size:13px}")
OTHER_LANGUAGE = [("zh", "中文"), ("en", "English")]   # each language by its own name


class KernelLimit(RuntimeError):
    """No kernel can be started now (the explorer is full, or stopping)."""


def language(handler: tornado.web.RequestHandler) -> str:
    """The language a page was asked in (``?lang=en``); Chinese otherwise."""
    lang = handler.get_query_argument("lang", "zh")
    return lang if lang in LANGS else "zh"


def notice(handler: tornado.web.RequestHandler, status: int, title: str, text: str, **fields) -> None:
    """A short page instead of Voilà's (English) error pages: ``title`` and ``text`` are messages of
    the catalogue, said in the language asked for (Chinese unless ``?lang=en``), with a link to the
    other language."""
    base = handler.settings.get("base_url", "/")
    lang = language(handler)
    other = "en" if lang == "zh" else "zh"
    args = {k: v[-1].decode("utf-8", "replace") for k, v in handler.request.query_arguments.items()}
    link = "?" + urllib.parse.urlencode({**args, "lang": other})
    with i18n.using(lang):
        title, text = T(title, **fields), T(text, **fields)
    handler.clear()
    handler.set_status(status)
    handler.set_header("Content-Type", "text/html; charset=UTF-8")
    handler.set_header("Cache-Control", "no-store")
    handler.finish(f"<!doctype html><html lang='{'zh-CN' if lang == 'zh' else lang}'><head><meta charset='utf-8'>"
                   f"<title>{html.escape(title)}</title>"
                   f"<style>@font-face{{font-family:'QZ WenQuanYi';src:url('{base}qz/static/qz-cjk.woff2') "
                   f"format('woff2')}}{NOTICE_CSS}</style></head><body class='qz-notice'><h1>{html.escape(title)}</h1>"
                   f"<p>{html.escape(text)}</p><p class='qz-other'><a href='{html.escape(link, quote=True)}' "
                   f"lang='{other}'>{html.escape(dict(OTHER_LANGUAGE)[other])}</a></p></body></html>")


def _owned(handler: tornado.web.RequestHandler) -> list[str]:
    value = handler.get_signed_cookie(OWNER_COOKIE, max_age_days=2)
    return value.decode().split(",") if value else []


def owns(handler: tornado.web.RequestHandler, kernel_id: str) -> bool:
    """True when this browser was given ``kernel_id`` with its page."""
    return kernel_id in _owned(handler)


def _own(handler: tornado.web.RequestHandler, kernel_id: str, keep: int) -> None:
    ids = [k for k in _owned(handler) if k != kernel_id][-(keep - 1):] + [kernel_id]
    handler.set_signed_cookie(OWNER_COOKIE, ",".join(ids), expires_days=None, httponly=True, samesite="Strict",
                              path=handler.settings.get("base_url", "/"))


# ----------------------------------------------------------------------------- kernels
class ExplorerKernelManager(AsyncMappingKernelManager):
    """Kernels for explorer pages: bounded in number and memory, tended every second.

    Voilà wraps this class with its pool of preheated kernels; a pool refill waits here for a free
    slot, a visitor's kernel waits at most ``start_wait`` seconds."""

    max_kernels = Integer(8, config=True, help="Kernels at most, the preheated one included.")
    kernel_memory_mb = Integer(1536, config=True, help="Data segment limit of each kernel (MB).")
    connect_grace = Float(30.0, config=True, help="Seconds a page's kernel waits for the page's websocket.")
    start_wait = Float(20.0, config=True, help="Seconds a visitor's kernel waits for a free slot.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.visits: dict[str, tuple[str, float]] = {}   # kernel -> (address, when its page was served)
        self.connected: set[str] = set()                  # kernels whose page opened its websocket
        self.stopping = False
        self._lock: asyncio.Lock | None = None
        self._tender: PeriodicCallback | None = None

    def in_use(self) -> int:
        return len(self._kernels) + len(self._pending_kernels)

    def ready_in_pool(self, notebook: str, rendered: bool = True) -> bool:
        """A warm kernel is waiting: started and (``rendered``) the page's notebook run through."""
        def ready(t) -> bool:
            if not t.done() or t.cancelled() or t.exception() is not None:
                return False
            render = t.result().get("task")
            return not rendered or render is None or render.done()

        return any(ready(t) for t in getattr(self, "_pools", {}).get(notebook, ()))

    async def start_kernel(self, *args, **kwargs):
        pooled = (kwargs.get("env") or {}).get("VOILA_PREHEAT") == "True"
        loop = asyncio.get_running_loop()
        deadline = None if pooled else loop.time() + self.start_wait
        self._lock = self._lock or asyncio.Lock()
        self._tend_every_second()
        while True:
            if self.stopping:
                raise KernelLimit("the explorer is stopping")
            async with self._lock:
                if self.in_use() < self.max_kernels:
                    kernel_id = await super().start_kernel(*args, **kwargs)
                    break
            if deadline is not None and loop.time() > deadline:
                raise KernelLimit(f"all {self.max_kernels} kernels are in use")
            await asyncio.sleep(0.5)
        self._limit_memory(kernel_id)
        return kernel_id

    def _limit_memory(self, kernel_id: str) -> None:
        process = getattr(getattr(self.get_kernel(kernel_id), "provisioner", None), "process", None)
        if process is None or not hasattr(resource, "prlimit"):
            self.log.warning("kernel %s: no memory limit set (no process id)", kernel_id)
            return
        limit = self.kernel_memory_mb * 1024 * 1024
        try:
            resource.prlimit(process.pid, resource.RLIMIT_DATA, (limit, limit))
        except (OSError, ValueError) as exc:
            self.log.warning("kernel %s: memory limit not set (%s)", kernel_id, exc)

    def page_served(self, kernel_id: str, address: str) -> None:
        """A page took ``kernel_id``: idle from now (a preheated kernel may have waited long)."""
        self.visits[kernel_id] = (address, time.monotonic())
        if kernel_id in self._kernels:
            self._kernels[kernel_id].last_activity = utcnow()

    def unconnected_from(self, address: str) -> int:
        return sum(1 for k, (a, _) in self.visits.items() if a == address and k not in self.connected and k in self)

    def _tend_every_second(self) -> None:
        if self._tender is None:
            self._tender = PeriodicCallback(self.tend, 1000)
            self._tender.start()

    async def tend(self) -> None:
        """Shut down kernels whose page never connected; forget what belongs to gone kernels."""
        now = time.monotonic()
        for kernel_id, (_, served) in list(self.visits.items()):
            if kernel_id not in self:
                self.visits.pop(kernel_id, None)
            elif kernel_id not in self.connected and now - served > self.connect_grace:
                self.log.info("kernel %s: its page never connected within %.0f s; shutting it down",
                              kernel_id, self.connect_grace)
                self.visits.pop(kernel_id, None)
                await self._shutdown_quietly(kernel_id)
        self.connected &= set(self.list_kernel_ids())
        cache = RequestInfoSocketHandler._cache   # Voilà keeps every page's request details otherwise
        for kernel_id in [k for k in cache if k not in self]:
            cache.pop(kernel_id, None)

    async def _shutdown_quietly(self, kernel_id: str) -> None:
        try:
            await ensure_async(self.shutdown_kernel(kernel_id))
        except Exception as exc:  # already gone
            self.log.debug("kernel %s: %s", kernel_id, exc)

    async def shutdown_all(self, *args, **kwargs):
        self.stopping = True
        if self._tender is not None:
            self._tender.stop()
        await ensure_async(super().shutdown_all(*args, **kwargs))


# ----------------------------------------------------------------------------- handlers
class _Recording:
    """The kernel manager as the page handler sees it: remembers which kernel the page got."""

    def __init__(self, manager, handler):
        self._manager, self._handler = manager, handler

    def __getattr__(self, name):
        return getattr(self._manager, name)

    async def get_rendered_notebook(self, *args, **kwargs):
        task, cache, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._handler.kernel_id = kernel_id
        return task, cache, kernel_id

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await self._manager.start_kernel(*args, **kwargs)
        self._handler.kernel_id = kernel_id
        return kernel_id


class PageHandler(TornadoVoilaHandler):
    """The explorer page: short pages (Chinese; English with ``?lang=en``) for no token, a full
    server and repeated bare requests; the page's kernel is marked as this browser's own before
    the first byte is sent."""

    kernel_id: str | None = None

    @property
    def kernel_manager(self):
        return _Recording(self.settings["kernel_manager"], self)

    @allow_unauthenticated   # not the login page's redirect: a short page says what is needed
    async def get(self, path=None):
        km = self.settings["kernel_manager"]
        if path:
            return notice(self, 404, N_("没有这个页面"), N_("情景探索器只有一个页面：请打开网址的根路径。"))
        if self.current_user is None:
            return notice(self, 403, N_("需要访问令牌"), N_("这个情景探索器只对持有访问令牌的同事开放：请使用启动者给出的"
                                                        "完整网址（末尾带有 ?token=…）。"))
        if km.unconnected_from(self.request.remote_ip) >= UNCONNECTED_PER_ADDRESS:
            return notice(self, 429, N_("请稍候再试"), N_("同一地址刚刚打开的页面太多，尚未加载完成。请等待半分钟后刷新。"))
        if not km.ready_in_pool(self.notebook_path, rendered=False) and km.in_use() >= km.max_kernels:
            return self._full(km)
        self.xsrf_token   # sets the _xsrf cookie Voilà's page sends with its shutdown on close (else refused)
        started = False
        try:
            async for chunk in self.get_generator(path=path):
                if not started and self.kernel_id:
                    _own(self, self.kernel_id, km.max_kernels)
                    km.page_served(self.kernel_id, self.request.remote_ip)
                started = True
                self.write(chunk)
                self.flush()
        except KernelLimit:
            if started:
                raise
            return self._full(km)
        if self.kernel_id:
            km.page_served(self.kernel_id, self.request.remote_ip)   # the page's websocket is due from now

    def _full(self, km) -> None:
        notice(self, 503, N_("情景探索器已满"), N_("同时打开的页面已达上限（{n} 个）。请稍后再试：别人关闭页面或页面"
                                               "闲置超时后，名额会自动空出。"), n=km.max_kernels)


class ChannelsHandler(VoilaKernelWebsocketHandler):
    """A kernel's websocket: its page's browser only, one at a time, checked frames, bounded buffers."""

    open_by_kernel: dict[str, "ChannelsHandler"] = {}

    async def get(self, kernel_id):
        if kernel_id not in self.settings["kernel_manager"]:
            return self._refuse(404, "no such kernel (stopped: reload the page)")
        if self.current_user is None or not owns(self, kernel_id):
            self.log.warning("websocket to kernel %s refused: not this browser's page", kernel_id)
            return self._refuse(403, "not this page's kernel")
        other = self.open_by_kernel.get(kernel_id)
        if other is not None and other is not self and other.ws_connection is not None \
                and not other.ws_connection.is_closing():
            self.log.warning("second websocket to kernel %s refused", kernel_id)
            return self._refuse(409, "the page already has its connection")
        self.open_by_kernel[kernel_id] = self
        self.limit = RateLimit(*RATE)
        try:
            await super().get(kernel_id)
        except BaseException:
            if self.open_by_kernel.get(kernel_id) is self and self.ws_connection is None:
                self.open_by_kernel.pop(kernel_id, None)
            raise

    def _refuse(self, status: int, reason: str) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(reason)

    def write_error(self, status_code, **kwargs):
        self.set_header("Content-Type", "text/plain; charset=UTF-8")
        self.finish(f"{status_code} {self._reason}")

    def open(self, kernel_id):
        self.settings["kernel_manager"].connected.add(kernel_id)
        return super().open(kernel_id)

    def on_message(self, message):
        if not self.limit.allow():
            self.log.warning("kernel %s: more than %s messages a second; closing its websocket", self.kernel_id, RATE[0])
            return self.close(1008, "too many messages")
        try:
            check_incoming(message, self.selected_subprotocol, self.kernel_manager.allowed_message_types)
        except FrameError as exc:
            self.log.warning("kernel %s: frame refused (%s); closing its websocket", self.kernel_id, exc)
            return self.close(1003, "frame refused")
        return super().on_message(message)

    def on_close(self):
        if self.open_by_kernel.get(getattr(self, "kernel_id", None)) is self:
            self.open_by_kernel.pop(self.kernel_id, None)
        if getattr(self, "connection", None) is not None:
            super().on_close()

    def write_message(self, message, binary=False):
        if outgoing_type(message, self.selected_subprotocol) == "execute_input":
            return None  # the page shows no code
        stream = getattr(self.ws_connection, "stream", None)
        if stream is not None and len(getattr(stream, "_write_buffer", b"")) > MAX_WRITE_BUFFER:
            self.log.warning("kernel %s: client is not reading; closing its websocket", self.kernel_id)
            self.close(1008, "client too slow")
            return None
        return WebSocketHandler.write_message(self, message, binary)


class OwnKernelHandler(KernelHandler):
    """``/api/kernels/<id>``: the model of (or shutting down) this browser's own kernel only."""

    async def get(self, kernel_id):
        if not owns(self, kernel_id):
            raise tornado.web.HTTPError(403)
        return await super().get(kernel_id)

    async def delete(self, kernel_id):
        if not owns(self, kernel_id):
            raise tornado.web.HTTPError(403)
        return await super().delete(kernel_id)


class OwnShutdownHandler(VoilaShutdownKernelHandler):
    """Voilà's shutdown on page close, for this browser's own kernel only."""

    async def post(self, kernel_id):
        if not owns(self, kernel_id):
            raise tornado.web.HTTPError(403)
        return await super().post(kernel_id)


class OwnRequestInfoHandler(RequestInfoSocketHandler):
    """Voilà's request-info socket (preheated kernels), for this browser's own kernel only."""

    async def get(self, kernel_id):
        if not owns(self, kernel_id):
            raise tornado.web.HTTPError(403)
        return await super().get(kernel_id)


class StatusHandler(JupyterHandler):
    """``/qz/status``: kernels in use, connected and preheated (authenticated like the page)."""

    @allow_unauthenticated
    def get(self):
        if self.current_user is None:
            raise tornado.web.HTTPError(403)
        km = self.settings["kernel_manager"]
        self.set_header("Cache-Control", "no-store")
        self.finish({"kernels": km.in_use(), "max_kernels": km.max_kernels, "connected": len(km.connected),
                     "pool_ready": km.ready_in_pool(km.notebook_path or "")})


class StaticHandler(tornado.web.StaticFileHandler):
    def set_extra_headers(self, path):
        self.set_header("Cache-Control", "public, max-age=86400")


# ----------------------------------------------------------------------------- the application
REPLACE = {KernelHandler: OwnKernelHandler, VoilaKernelWebsocketHandler: ChannelsHandler,
           VoilaShutdownKernelHandler: OwnShutdownHandler, RequestInfoSocketHandler: OwnRequestInfoHandler,
           TornadoVoilaHandler: PageHandler}


class ExplorerServer(Voila):
    """Voilà serving one notebook with the handlers above; :attr:`on_listening` is called with the
    port once the socket is bound."""

    on_listening = None

    def init_handlers(self):
        handlers = []
        for spec in super().init_handlers():
            pattern, cls, *rest = spec
            if pattern.endswith("/voila/labextensions/(.*)") and rest:
                rest = [{**rest[0], "no_cache_paths": []}]   # files named by their content hash: cacheable
            handlers.append((pattern, REPLACE.get(cls, cls), *rest))
        ours = [(r"/qz/status", StatusHandler), (r"/qz/static/(.*)", StaticHandler, {"path": str(WEB)})]
        return ours + handlers

    def listen(self):
        """Bind with bounded request sizes, serve until stopped, then stop every kernel."""
        server = HTTPServer(self.app, max_body_size=1024 * 1024, max_buffer_size=4 * 1024 * 1024,
                            idle_connection_timeout=120, body_timeout=60)
        try:
            server.listen(self.port, self.ip)
        except OSError as exc:
            self.log.critical("cannot listen on %s:%s (%s)", self.ip, self.port, exc)
            self.exit(1)
        self.ioloop = IOLoop.current()
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._handle_signal_stop)
        if self.on_listening:
            self.on_listening(self.port)
        try:
            self.ioloop.start()
        except KeyboardInterrupt:
            self.log.info("stopping (Ctrl-C)")
        finally:
            server.stop()
            self.stop()

    def _handle_signal_stop(self, sig, frame):
        self.log.info("stopping (signal %s)", sig)
        self.ioloop.add_callback_from_signal(self.ioloop.stop)

    def stop(self):
        """Every kernel first (one still starting included), then their connection files' folder."""
        run_sync(self.kernel_manager.shutdown_all)()
        shutil.rmtree(self.connection_dir, ignore_errors=True)


def config(notebook: Path, host: str, port: int, token: str, idle_timeout: int, max_kernels: int,
           kernel_memory_mb: int = 1536):
    """The traitlets configuration of :class:`ExplorerServer`."""
    from traitlets.config import Config

    c = Config()
    c.Voila.ip, c.Voila.port, c.Voila.port_retries, c.Voila.open_browser = host, port, 0, False
    c.Voila.token = token   # '' = none (loopback only)
    c.Voila.tornado_settings = {"websocket_max_message_size": MAX_FRAME, "ws_ping_interval": 10_000,
                                "ws_ping_timeout": 30_000}
    v = c.VoilaConfiguration
    v.template, v.strip_sources, v.show_tracebacks = "qz415x", True, False
    v.preheat_kernel, v.default_pool_size = True, 1
    v.multi_kernel_manager_class = ExplorerKernelManager
    v.allow_template_override = v.allow_theme_override = "NO"
    v.file_allowlist = []
    c.VoilaKernelManager.fill_delay = 3.0   # refill once the visitor's page has mostly loaded (2 cores)
    c.ExplorerKernelManager.max_kernels = max_kernels
    c.ExplorerKernelManager.kernel_memory_mb = kernel_memory_mb
    c.ExplorerKernelManager.connect_grace = float(min(30, max(10, idle_timeout)))
    m = c.MappingKernelManager
    m.cull_idle_timeout, m.cull_interval = idle_timeout, max(1, min(60, idle_timeout // 4))
    m.cull_connected, m.cull_busy = True, False
    m.buffer_offline_messages = False
    c.KernelManager.transport = "ipc"   # kernels on private sockets in Voilà's 0700 folder, not on TCP ports
    return c


def run(notebook: Path, on_listening=None, **options) -> None:
    """Serve ``notebook`` until stopped (Ctrl-C, SIGTERM, SIGHUP)."""
    app = ExplorerServer(config=config(notebook, **options))
    app.on_listening = on_listening
    app.initialize([str(notebook)])
    app.start()

