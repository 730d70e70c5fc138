"""Kinds of source a figure can have, and the type a researcher declares for an import.

A figure's ``source_kind`` says how far it can be trusted. Shipped files are classified
from the source's address; an imported figure carries the type the researcher declared
in the 来源类型 column (官方发布 / 非官方转载 / 测试). An import that declares nothing is
``researcher``: typed in by a person, with no claim to be official.
"""
from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # only named in annotations: listing files needs no pandas
    import pandas as pd

# Every source kind observations.csv may hold.
SOURCE_KINDS = ("plan", "official", "yearbook", "researcher", "unofficial", "test")
# Kinds whose figures come from an official publication (the plan itself, a government
# release, a yearbook table). Declared 官方发布 imports are 'official'.
OFFICIAL_TIER = frozenset({"plan", "official", "yearbook"})
# Test figures are used only where nothing else exists, and a brief built with them says so.
TEST_KIND = "test"
# Chinese label (as in the template's drop-down) -> source kind.
DECLARED_TYPES = {"官方发布": "official", "非官方转载": "unofficial", "测试": TEST_KIND}
UNDECLARED = "researcher"
# Where `qz stats import` stores files, relative to data/raw; the `file` column of an
# imported observation starts with it.
IMPORTED_PREFIX = "statistics/imported/"


def declared_kind(text: object) -> tuple[str | None, bool]:
    """(source kind, ok) of a 来源类型 cell: ('', True) when blank.

    >>> declared_kind("官方发布"), declared_kind(" test "), declared_kind(None), declared_kind("官方")
    (('official', True), ('test', True), ('', True), (None, False))
    """
    raw = unicodedata.normalize("NFKC", "" if text is None else str(text)).strip()
    if not raw:
        return "", True
    kind = DECLARED_TYPES.get(raw) or (raw.lower() if raw.lower() in DECLARED_TYPES.values() else None)
    return kind, kind is not None


def tier(kind: str) -> int:
    """2 official, 1 other real figures, 0 test figures (the conflict rule's first cut)."""
    return 0 if kind == TEST_KIND else 2 if kind in OFFICIAL_TIER else 1


def test_figures(observations: pd.DataFrame) -> pd.DataFrame:
    """Rows whose source kind is 'test' (declared 测试 when imported).

    A brief built on observations with any such row must say so on its title page and in
    every page footer; an empty frame means the brief holds no test figure.
    """
    return observations[observations["source_kind"] == TEST_KIND]


test_figures.__test__ = False  # a public function, not a pytest test


def imported_figures(observations: pd.DataFrame) -> pd.DataFrame:
    """Rows brought in with ``qz stats import`` (whatever source type they declared)."""
    return observations[observations["file"].astype(str).str.startswith(IMPORTED_PREFIX)]
