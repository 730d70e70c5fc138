"""The served page's own CJK font: WenQuanYi Micro Hei, subset with fontTools, as WOFF2.

The whole font (5 MB, about 21 000 glyphs) is far more than a page needs; the subset keeps
every character of GB2312 (the 6 763 hanzi of simplified Chinese in common use, its
punctuation and symbols: what a colleague may type as a scenario name), ASCII, general and
CJK punctuation, full-width forms, and every character of the page's own texts (the explorer's
code, the plan document, the indicator catalogue, the shipped scenarios, the English of every
message: the page's language switch) — about 490 kB.
It is part of the package (``qzlib/resources/web/qz-cjk.woff2``, with the font's licence), so a
clean clone serves it without building anything; rebuild it after adding text the subset
lacks (``tests/test_serve_font.py`` says which characters)::

    .venv/bin/python -m qzlib.scenarios.explorer.font
"""
from __future__ import annotations

import io
from pathlib import Path

from qzlib.paths import PLAN_FILE, RESOURCES, SCENARIOS

FAMILY = "QZ WenQuanYi"        # the @font-face name the page uses
WOFF2 = RESOURCES / "web" / "qz-cjk.woff2"
SOURCES = [Path(__file__).parent, Path(__file__).parent.parent, RESOURCES / "indicators.yml",
           RESOURCES / "jupyter", PLAN_FILE, SCENARIOS]
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2010, 0x2027), (0x2030, 0x203B), (0x2190, 0x2193), (0x2460, 0x2473),
          (0x2500, 0x257F), (0x2580, 0x259F), (0x25A0, 0x25FF), (0x2605, 0x2606), (0x3000, 0x303F),
          (0xFF01, 0xFF5E)]


def gb2312() -> str:
    """Every character GB2312 encodes (symbols, 3 755 + 3 008 hanzi).

    >>> chars = gb2312(); len(chars), "衢" in chars, "亩" in chars
    (7445, True, True)
    """
    out = []
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                out.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(out)


def page_text() -> str:
    """Every character of the texts the page can show (code, plan, catalogue, scenarios, and every
    message in each other language of the page's switch)."""
    from qzlib import i18n

    chars = set()
    for src in SOURCES:
        files = [src] if src.is_file() else [p for p in src.rglob("*") if p.suffix in {".py", ".yml", ".j2", ".ipynb"}]
        for f in files:
            chars.update(f.read_text(encoding="utf-8"))
    for lang in i18n.LANGS:
        chars.update("".join(i18n.catalogue(lang).values()))
    return "".join(sorted(c for c in chars if c.isprintable()))


def needed() -> str:
    ranges = "".join(chr(c) for lo, hi in RANGES for c in range(lo, hi + 1))
    return "".join(sorted(set(gb2312() + ranges + page_text())))


def build(source: Path | None = None, out: Path = WOFF2) -> Path:
    """Subset the project's font (``.venv/share/qz-fonts``, see :mod:`qzlib.fonts`) to :func:`needed`."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from qzlib.fonts import font_path

    font = TTFont(str(source or font_path()), fontNumber=0)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.drop_tables += ["FFTM"]
    sub = subset.Subsetter(options)
    sub.populate(text=needed())
    sub.subset(font)
    font.flavor = "woff2"
    buf = io.BytesIO()
    font.save(buf)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())
    return out


def cmap(path: Path = WOFF2) -> set[str]:
    """The characters a font file has glyphs for."""
    from fontTools.ttLib import TTFont

    return {chr(c) for c in TTFont(str(path)).getBestCmap()}


if __name__ == "__main__":
    written = build()
    print(f"wrote {written} ({written.stat().st_size // 1024} kB, {len(cmap(written))} characters)")
