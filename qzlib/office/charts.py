"""``charts/``: every chart of the brief as a PNG for slides, at least 1200 px wide and 150 dpi.

The brief shows the same picture (one render serves both); a brief using figures marked 测试
keeps its page clean and puts the warning on the files, drawn onto that same picture.

Named by the figure's label when its section set one (``fig.set_label("二_实际值与规划路径")``,
``"参考_浙江省_rd_gdp_pct"``), else by its place among the brief's charts (``图03.png``). A
brief that uses figures marked 测试 (test) writes its warning across the top of every
chart, in red, and into the PNG's description, so a picture pasted into a slide keeps it.
"""
from __future__ import annotations

import io
import math
import re
import struct
from pathlib import Path

from qzlib import i18n
from qzlib.atomic import atomic_file

FOLDER = "charts"
MIN_WIDTH_PX = 1200
MIN_DPI = 150
CROP = 0.9     # a cropped figure keeps at least this share of its width (else a second render)
WARNING_COLOUR = "#c0392b"   # the brief's warning red (brief_page.html.j2 .test-flag)


def file_name(label: str, number: int, taken: set[str] | frozenset = frozenset()) -> str:
    """The chart's file name: its label made safe for every file system, else ``图NN``.

    >>> file_name("二_实际值与规划路径", 3), file_name("", 3), file_name("参考/浙江省: R&D", 1)
    ('二_实际值与规划路径.png', '图03.png', '参考_浙江省_R&D.png')
    >>> file_name("图03", 4, {"图03.png"})
    '图03_2.png'
    """
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", label or "").strip("._") if label and not label.startswith("_") else ""
    stem = stem[:80] or f"图{number:02d}"
    name, n = i18n.file_name(f"{stem}.png"), 2
    while name in taken:
        name, n = i18n.file_name(f"{stem}_{n}.png"), n + 1
    return name


def png_width(data: bytes) -> int:
    """Pixel width from a PNG's header.

    >>> png_width(bytes.fromhex("89504e470d0a1a0a0000000d49484452000004b0"))
    1200
    """
    return struct.unpack(">I", data[16:20])[0]


def png(fig, warning: str = "", min_width_px: int = MIN_WIDTH_PX, min_dpi: int = MIN_DPI) -> bytes:
    """The figure as PNG bytes, cropped to its content, at least ``min_width_px`` wide and
    ``min_dpi``, with ``warning`` in red above it (:func:`with_warning`; the figure is left as it was).

    A figure laid out by a layout engine (tight or constrained: the sections' charts) already
    fills its canvas and is drawn once as it is (:func:`_drawn_once`); cropping to the content
    would draw it twice (about half of a chart's cost). Any other figure is cropped: the
    resolution is chosen from the figure's width with room for the crop, and raised for a
    second render only if the cropped picture came out narrower.
    """
    laid_out = _fills_its_canvas(fig)
    dpi = max(min_dpi, math.ceil(min_width_px / ((1 if laid_out else CROP) * fig.get_figwidth())))
    if laid_out:
        return _drawn_once(fig, dpi, warning)
    for _ in range(2):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": "415X Monitor"})
        width = png_width(buf.getvalue())
        if width >= min_width_px:
            break
        dpi = math.ceil(dpi * (min_width_px + 2) / max(width, 1))
    return with_warning(buf.getvalue(), warning) if warning else buf.getvalue()


def _drawn_once(fig, dpi: int, warning: str) -> bytes:
    """A figure with a layout engine as PNG bytes: the layout is computed at the picture's
    resolution, then the figure is drawn once with it. (``savefig`` itself would first draw the
    whole figure without painting it, only to run the layout: about a quarter of a chart's cost.)
    The figure keeps its engine and resolution."""
    engine, before = fig.get_layout_engine(), fig.get_dpi()
    try:
        fig.set_dpi(dpi)
        if fig.axes:
            try:
                engine.execute(fig)
            except ValueError:      # as matplotlib's own draw does: the figure is drawn as it stands
                pass
        fig.set_layout_engine("none")
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": "415X Monitor"})
    finally:
        fig.set_layout_engine(engine)
        fig.set_dpi(before)
    return with_warning(buf.getvalue(), warning) if warning else buf.getvalue()


def _fills_its_canvas(fig) -> bool:
    """Whether ``fig`` has a layout engine and its figure-level legends and texts lie inside the
    canvas (a layout engine fits the axes, not a legend wider than the figure)."""
    if fig.get_layout_engine() is None:
        return False
    from matplotlib.backends.backend_agg import RendererAgg

    box = fig.bbox
    renderer = RendererAgg(box.width, box.height, fig.dpi)   # to measure text only; whatever the canvas
    for artist in (*fig.legends, *fig.texts, getattr(fig, "_suptitle", None)):
        if artist is None or not artist.get_visible():
            continue
        b = artist.get_window_extent(renderer)
        if b.x0 < box.x0 - 0.5 or b.x1 > box.x1 + 0.5 or b.y0 < box.y0 - 0.5 or b.y1 > box.y1 + 0.5:
            return False
    return True


def with_warning(data: bytes, warning: str) -> bytes:
    """A chart's PNG with ``warning`` written in red across a band above it and kept in the PNG's
    description (a picture pasted into a slide keeps it). Drawn on the rendered picture with the
    bundled font, so the chart is rendered once for the brief and its file alike."""
    from PIL import Image, ImageDraw, ImageFont, PngImagePlugin

    from qzlib.fonts import font_path

    chart = Image.open(io.BytesIO(data))
    dpi = chart.info.get("dpi", (MIN_DPI, MIN_DPI))
    size = max(12, round(9 / 72 * dpi[0]))                     # 9 pt at the picture's resolution
    font = ImageFont.truetype(str(font_path()), size)
    band = round(size * 1.8)
    out = Image.new("RGB", (chart.width, chart.height + band), "white")
    out.paste(chart.convert("RGB"), (0, band))
    draw = ImageDraw.Draw(out)
    draw.text((chart.width / 2, band / 2), warning, fill=WARNING_COLOUR, font=font, anchor="mm",
              stroke_width=max(1, size // 24), stroke_fill=WARNING_COLOUR)      # bold, as the brief's flag
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "415X Monitor")
    info.add_text("Description", warning)
    buf = io.BytesIO()
    out.save(buf, format="PNG", pnginfo=info, dpi=dpi)
    return buf.getvalue()


def render(fig, folder: str | Path, name: str, dpi: int = MIN_DPI, warning: str = "") -> bytes:
    """Draw ``fig`` once (:func:`png`), write it as ``charts/<name>`` (with ``warning`` on it when
    given) and return the picture the brief shows: the one step the kernel and the chart helper
    (:mod:`qzlib.office.painter`) both take."""
    shown = png(fig, min_dpi=dpi)
    save(with_warning(shown, warning) if warning else shown, folder, name)
    return shown


def save(data: bytes, folder: str | Path, name: str) -> Path:
    """Write a chart's PNG bytes as ``<folder>/charts/<name>`` (atomically); returns the path."""
    path = Path(folder) / FOLDER / name
    with atomic_file(path, "wb") as fh:
        fh.write(data)
    return path
