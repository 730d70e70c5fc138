"""One CJK font file for charts and PDFs, so Chinese renders without system fonts.

`make setup` places WenQuanYi Micro Hei inside the virtual environment; this module
finds it (or the file named by ``QZ_CJK_FONT``), registers it with matplotlib, and
gives its path to the PDF renderer. Charts call :func:`use_cjk` *after* any
``sns.set_theme()``/``plt.style.use()``, because those reset the font settings.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

FONT_NAME = "WenQuanYi Micro Hei"
_CANDIDATES = [
    Path(sys.prefix) / "share" / "qz-fonts" / "wqy-microhei.ttc",
    Path(__file__).resolve().parent.parent / ".venv" / "share" / "qz-fonts" / "wqy-microhei.ttc",
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
]


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def font_path() -> Path:
    """Path of the CJK font file; raises with the fix if none is found."""
    env = os.environ.get("QZ_CJK_FONT")
    for cand in ([Path(env)] if env else []) + _CANDIDATES:
        if cand.is_file():
            return cand
    raise FontMissing(
        "no CJK font found: run `make setup` (it puts wqy-microhei.ttc in .venv/share/qz-fonts/) "
        "or set QZ_CJK_FONT to a .ttf/.ttc/.otf file with Chinese glyphs"
    )


@lru_cache(maxsize=1)
def _register() -> str:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))
    return font_manager.FontProperties(fname=str(font_path())).get_name()


def use_cjk() -> str:
    """Make matplotlib draw Chinese and minus signs; returns the font family name."""
    import matplotlib as mpl

    name = _register()
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [name, "DejaVu Sans"]
    mpl.rcParams["axes.unicode_minus"] = False
    return name
