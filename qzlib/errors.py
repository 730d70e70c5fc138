"""Errors that tell a person exactly what is wrong with their input.

Every message names the place (file, and row/line/sheet/key where known), the field,
the value found and what was expected. The CLI prints ``str(err)`` and exits non-zero.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Problem:
    """One thing wrong with one place in one input."""

    file: str | Path | None = None
    where: str | None = None  # "row 12", "line 240", "sheet 衢州市 row 5", "key assumptions.rd_intensity"
    field: str | None = None
    value: object = None
    expected: str = ""

    def __str__(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.where:
            parts.append(self.where)
        if self.field:
            parts.append(f"field '{self.field}'")
        loc = ", ".join(parts)
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{loc}{got}; expected {self.expected}" if loc else f"{self.expected}{got}"


class QzError(Exception):
    """Base class for errors the CLI reports without a traceback."""


@dataclass
class InputError(QzError):
    """Bad input: one or more problems, all reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:  # pragma: no cover - trivial
        if len(self.problems) == 1:
            return str(self.problems[0])
        lines = [f"{len(self.problems)} problems:"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    @classmethod
    def one(cls, **kw) -> "InputError":
        return cls([Problem(**kw)])
