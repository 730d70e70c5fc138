"""Collection for the whole repository: a qzlib module with no ``>>>`` example in its text has
no doctest, so it is not imported to look for one (pytest's doctest collector imports every
module it is given; each xdist worker would pay for the imports of modules no test of its
own needs)."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent / "qzlib"


def pytest_ignore_collect(collection_path: Path, config):
    path = Path(collection_path)
    if path.suffix != ".py" or path.name == "__init__.py" or PACKAGE not in path.parents:
        return None
    try:
        return ">>>" not in path.read_text(encoding="utf-8")
    except OSError:
        return None
