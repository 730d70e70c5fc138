"""Errors that tell a person exactly what is wrong with their input.

Every message names the place (file, and row/line/sheet/key where known), the field,
the value found and what was expected. The CLI prints ``str(err)`` and exits non-zero.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Problem:
    """One thing wrong with one place in one input.

    The optional spreadsheet fields (``sheet``, ``row``, ``column``, ``header``) and
    ``expected_zh`` are for files a person fills in: with them the message reads as the
    person sees the file (``衢州市 第127行 D列「数值」``) and says what was expected in
    Chinese, with the English beside it. Without them ``str()`` is the plain English form.
    """

    file: str | Path | None = None
    where: str | None = None  # "row 12", "line 240", "sheet 衢州市 row 5", "key assumptions.rd_intensity"
    field: str | None = None
    value: object = None
    expected: str = ""
    sheet: str | None = None  # workbook sheet, as its tab reads
    row: int | None = None  # row number as the spreadsheet shows it (header = 1)
    column: str | None = None  # column letter as the spreadsheet shows it ("D")
    header: str | None = None  # the column's header text in the file ("数值")
    expected_zh: str | None = None  # what was expected, in Chinese (a whole clause: "应为……")

    def __str__(self) -> str:
        return self.render()

    def render(self, lang: str = "zh+en") -> str:
        """The message in ``zh``, ``en`` or ``zh+en`` (Chinese, English on the next line).

        Problems without Chinese text are always given in their English form.
        """
        if self.expected_zh is None or lang == "en":
            return self._english()
        zh = self._chinese()
        return zh if lang == "zh" else f"{zh}\n    {self._english()}"

    def _english(self) -> str:
        parts = []
        if self.file is not None:
            parts.append(str(self.file))
        if self.row is not None or self.sheet is not None:
            place = " ".join(p for p in [f"sheet {self.sheet}" if self.sheet else "",
                                         f"row {self.row}" if self.row is not None else ""] if p)
            if self.column:
                place += f", column {self.column}" + (f" ({self.header})" if self.header else "")
            parts.append(place)
            if self.field:
                parts.append(f"field '{self.field}'")
        else:
            if self.where:
                parts.append(self.where)
            if self.field:
                parts.append(f"field '{self.field}'")
        loc = ", ".join(parts)
        got = "" if self.value is None else f": got {self.value!r}"
        return f"{loc}{got}; expected {self.expected}" if loc else f"{self.expected}{got}"

    def _chinese(self) -> str:
        place = " ".join(p for p in [
            str(Path(str(self.file)).name) if self.file is not None else "",
            self.sheet or "",
            f"第{self.row}行" if self.row is not None else "",
            (f"{self.column}列" if self.column else "") + (f"「{self.header}」" if self.header else ""),
        ] if p)
        got = "" if self.value is None else "未填，" if self.value == "" else f"填的是「{self.value}」，"
        return f"{place}：{got}{self.expected_zh}" if place else f"{got}{self.expected_zh}"


class QzError(Exception):
    """Base class for errors the CLI reports without a traceback."""


@dataclass
class InputError(QzError):
    """Bad input: one or more problems, all reported at once."""

    problems: list[Problem] = field(default_factory=list)
    lang: str = "zh+en"  # how str() renders problems that have Chinese text (see Problem.render)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.render(self.lang)

    def render(self, lang: str = "zh+en") -> str:
        if len(self.problems) == 1:
            return self.problems[0].render(lang)
        head = {"zh": f"共 {len(self.problems)} 处问题：", "en": f"{len(self.problems)} problems:"}
        zh = any(p.expected_zh for p in self.problems)
        lines = [head["en"] if lang == "en" or not zh else
                 head["zh"] if lang == "zh" else f"{head['zh']} / {head['en']}"]
        lines += ["  - " + (p.render(lang).replace("\n", "\n  ") if p.expected_zh else str(p)) for p in self.problems]
        return "\n".join(lines)

    @classmethod
    def one(cls, **kw) -> "InputError":
        return cls([Problem(**kw)])
