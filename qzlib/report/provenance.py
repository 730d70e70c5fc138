"""Method-and-provenance facts for the brief's appendix: input hashes, versions, parameters."""
from __future__ import annotations

import platform
from importlib import metadata
from pathlib import Path

import pandas as pd

from qzlib.hashing import file_sha256
from qzlib.i18n import N_, T

PACKAGES = ("qzlib", "pandas", "numpy", "statsmodels", "matplotlib", "papermill",
            "nbconvert", "weasyprint", "pandera", "openpyxl", "cn2an")


def input_files(raw_dir: Path, processed_dir: Path) -> pd.DataFrame:
    """Every raw and processed file the brief read, with size and SHA-256."""
    rows = []
    for kind, root in ((T("原始"), Path(raw_dir)), (T("处理后"), Path(processed_dir))):
        if not root.is_dir():
            continue
        for p in sorted(root.rglob("*")):
            if p.is_file() and not p.name.startswith(".") and p.suffix in {".txt", ".csv", ".xlsx", ".yml", ".md"}:
                rows.append({N_("类别"): kind, N_("文件"): str(p.relative_to(root.parent)), N_("字节"): p.stat().st_size,
                             "SHA-256": file_sha256(p)})
    return pd.DataFrame(rows, columns=["类别", "文件", "字节", "SHA-256"])


def package_versions() -> pd.DataFrame:
    rows = [{N_("软件包"): "Python", N_("版本"): platform.python_version()}]
    for name in PACKAGES:
        try:
            rows.append({"软件包": name, "版本": metadata.version(name)})
        except metadata.PackageNotFoundError:
            rows.append({"软件包": name, "版本": T("未安装")})
    return pd.DataFrame(rows)
