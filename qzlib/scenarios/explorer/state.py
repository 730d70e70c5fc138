"""The explorer's state and callbacks, testable without a browser.

:class:`Explorer` holds the chosen scenario and the slider overrides; every method the
widgets call is plain Python (set a growth, set a component, switch scenario, save as a
scenario file) and leaves a Chinese sentence in :attr:`Explorer.note` saying what it did,
so nothing happens silently.

Switching a ratio indicator (亩均增加值 = 增加值 ÷ 用地) to components starts the other
components where they keep the ratio on its current path (an ``index`` per year, written
to the saved file as such), instead of holding them at the base-year level.

Saving follows one rule (:func:`check_name`): a name of 1–40 letters, digits, Chinese
characters, ``_`` or ``-``; the shipped scenarios are never overwritten and a saved one only
after an explicit confirmation (``overwrite=True``, which the page asks for).
"""
from __future__ import annotations

import hashlib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import rules
from qzlib.atomic import atomic_file
from qzlib.errors import InputError
from qzlib.paths import SCENARIOS
from qzlib.scenarios import COMPONENT_ZH, Engine, ScenarioResult, attainment_records, components
from qzlib.scenarios.plot import scenario_title
from qzlib.scenarios.schema import SCHEMA, Scenario, component_names, dependants, list_files, load, parse

DEFAULT_CODES = ["per_mu_value_added", "per_mu_tax", "mfg_labour_productivity", "rd_intensity",
                 "high_new_tech_share", "digital_core_va"]
EXPLORER_NOTE = "交互式探索器中设定"
COMPONENT_RANGE = (-0.10, 0.35)  # component sliders, yearly growth (fraction); fixed, never jumps

SHIPPED = ("plan_path", "recent_pace", "stress")   # the project's own scenarios: never overwritten
NAME_MAX = 40
NAME_CHARS = r"A-Za-z0-9_\u4e00-\u9fff"
SAVE_NAME = re.compile(rf"^[{NAME_CHARS}][{NAME_CHARS}-]{{0,{NAME_MAX - 1}}}$")
NAME_RULE = f"名称须为 1—{NAME_MAX} 个字符，只能用中文、英文字母、数字、下划线“_”或连字符“-”，且不以“-”开头"
FILE_NAME = re.compile(SCHEMA["properties"]["name"]["pattern"])   # what the schema's `name:` accepts


class NameTaken(InputError):
    """A saved scenario of that name exists: the page asks before overwriting it."""


def check_name(name: str) -> str:
    """The save name, stripped, or an :class:`InputError` in Chinese naming the rule.

    >>> check_name(" 用地不变-2 ")
    '用地不变-2'
    >>> check_name("../x")
    Traceback (most recent call last):
    ...
    qzlib.errors.InputError: 情景名称: got '../x'; expected 名称中不能有“.”“/”：名称须为 1—40 个字符，只能用中文、英文字母、数字、下划线“_”或连字符“-”，且不以“-”开头
    """
    name = (name or "").strip()
    if not name:
        raise InputError.one(where="情景名称", expected=f"请填写名称（{NAME_RULE}）")
    if len(name) > NAME_MAX:
        raise InputError.one(where="情景名称", value=f"{name[:12]}…（{len(name)} 个字符）",
                             expected=f"名称最多 {NAME_MAX} 个字符（{NAME_RULE}）")
    if not SAVE_NAME.match(name):
        bad = ["空格" if ch.isspace() else ch for ch in dict.fromkeys(name) if not re.match(rf"[{NAME_CHARS}-]", ch)]
        said = "".join(f"“{ch}”" for ch in bad) if bad else "开头的“-”"
        raise InputError.one(where="情景名称", value=name, expected=f"名称中不能有{said}：{NAME_RULE}")
    return name


def file_name_of(name: str) -> str:
    """The scenario's ``name:`` inside its file: the save name when the schema accepts it, else a
    stable ASCII name derived from it (the file itself is called after the save name).

    >>> file_name_of("va7"), file_name_of("Land-Flat"), file_name_of("用地不变"), file_name_of("2030年")
    ('va7', 'land-flat', '用地不变', 'saved_b5894dcd')
    """
    lower = name.lower()
    if FILE_NAME.match(lower):
        return lower
    return "saved_" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def _pct(rate: float) -> str:
    return f"{rate * 100:.2f}%"


def _rate_zh(spec: dict) -> str:
    if "growth" in spec:
        return f"年均增长 {_pct(spec['growth'])}"
    return f"每年 {spec['points_per_year']:+.2f}"


class Explorer:
    """Scenario state behind the widgets. All rates are fractions (0.07 = 7 %)."""

    def __init__(self, points: pd.DataFrame, observations: pd.DataFrame | None = None,
                 scenarios_dir: str | Path | None = None, scenario: str = "plan_path",
                 processed_dir: str | Path | None = None, region: str | None = None):
        self.engine = Engine(points, observations, processed_dir, region)
        self.prepared = self.engine.prepared
        self.years = self.engine.years   # the plan's years: its baseline … three years after its period
        self.scenarios_dir = Path(scenarios_dir) if scenarios_dir else SCENARIOS
        self.indicator_overrides: dict[str, dict] = {}
        self.component_overrides: dict[str, dict] = {}  # name -> {"growth": g} or {"index": {...}}
        self.note = ""
        self._refresh_names()
        self.select_scenario(scenario)

    def _refresh_names(self) -> None:
        """File names (the dropdown's values) and their Chinese names (what readers see)."""
        self.names = [p.stem for p in list_files(self.scenarios_dir)]
        self.titles: dict[str, str] = {}
        self.stems: dict[str, str] = {}   # the name inside a file -> the file's name
        for n in self.names:
            try:
                s = load(n, self.scenarios_dir, self.years)   # checked against this plan's years
                title = scenario_title(s)
                self.stems.setdefault(s.name, n)
            except InputError:
                title = f"{n}（文件有误，不能选用）"
            if title in self.titles.values() and title != n:
                title = f"{title}（{n}）"   # two files with one lead: the file name tells them apart
            self.titles[n] = title

    def title_of(self, name: str) -> str:
        """The Chinese name of a scenario given its file's name or the name inside the file."""
        return self.titles.get(name) or self.titles.get(self.stems.get(name, ""), name)

    def options(self) -> list[tuple[str, str]]:
        """(Chinese name, file name) pairs for a dropdown: ('规划路径情景', 'plan_path')."""
        return [(self.titles[n], n) for n in self.names]

    # -- state changes the widgets call --------------------------------------------------
    def select_scenario(self, name: str) -> ScenarioResult:
        """Switch to a shipped (or saved) scenario; clears every slider override."""
        self.base = self.engine.resolved(load(name, self.scenarios_dir))   # base year: the plan's if unset
        self.indicator_overrides.clear()
        self.component_overrides.clear()
        self.note = f"已切换到情景“{self.title()}”，滑块回到该情景的设定。"
        return self.recompute()

    def title(self) -> str:
        """The Chinese name of the scenario being edited."""
        return self.titles.get(self.base.file.stem if self.base.file else "", scenario_title(self.base))

    def slider_kind(self, code: str) -> str:
        """'points_per_year' for shares and declines (in points), else 'growth'."""
        return "points_per_year" if self.prepared.info[code].kind in {"share", "decline"} else "growth"

    def set_indicator(self, code: str, value: float) -> ScenarioResult:
        """Override one indicator with a yearly growth (fraction) or points per year."""
        info = self.prepared.info[code]
        if info.reason:
            raise InputError.one(where=f"assumptions.{code}",
                                 expected=f"“{info.name_zh}”没有路径，不能设定（{info.reason}）")
        if self.driver(code) == "components":
            comps = "、".join(COMPONENT_ZH[c] for c in components(code).values())
            raise InputError.one(where=f"assumptions.{code}", value=value,
                                 expected=f"“{info.name_zh}”由分项推算，请调整分项：{comps}")
        kind = self.slider_kind(code)
        self.indicator_overrides[code] = {kind: float(value)}
        self.note = f"{info.name_zh}：{_rate_zh(self.indicator_overrides[code])}。"
        return self.recompute()

    def set_component(self, name: str, growth: float) -> ScenarioResult:
        """Override a component's yearly growth; every ratio containing it follows.

        A ratio that was on its own path until now keeps that path: its other components
        start where they reproduce it (said in :attr:`note`)."""
        if name not in component_names():
            raise InputError.one(where=f"components.{name}", value=name,
                                 expected=f"one of {', '.join(component_names())}")
        before = self.result.values
        was = self.declared()
        declared = was | {name}
        self.component_overrides[name] = {"growth": float(growth)}
        said = [f"{COMPONENT_ZH[name]}：年均增长 {_pct(growth)}。"]
        queue, done = [name], set()
        while queue:
            comp = queue.pop(0)
            for code in dependants(comp):
                if code in done or self.prepared.info[code].reason:
                    continue
                done.add(code)
                if any(c in was for c in components(code).values()):
                    continue  # already computed from components before this change
                said += self._keep_path(code, before, declared, queue)
        self.note = "".join(said)
        return self.recompute()

    def _keep_path(self, code: str, before: np.ndarray, declared: set, queue: list) -> list[str]:
        """Index the undeclared components of ``code`` so that it stays on ``before``'s path."""
        info = self.prepared.info[code]
        comps = components(code)
        num_name, den_name = comps["numerator"], comps["denominator"]
        said = []
        dropped = self.indicator_overrides.pop(code, None)
        if dropped:
            said.append(f"{info.name_zh}原设定（{_rate_zh(dropped)}）改由分项承接。")
        path = before[self.prepared.index[code]]
        rel = path / info.base
        t = self.years - self.base.base_year
        other = [c for c in (num_name, den_name) if c not in declared]
        if not other:
            return said
        c = other[0]
        ok = np.isfinite(rel) & (t > 0) & (rel > 0)
        if not ok.any():
            said.append(f"{info.name_zh}此前没有路径，{COMPONENT_ZH[c]}按基期水平不变计算。")
            declared.add(c)
            return said
        if c == num_name:  # numerator = ratio path × denominator
            idx = rel * self._component_index(den_name)
        else:  # denominator = numerator ÷ ratio path
            idx = self._component_index(num_name) / rel
        keep = ok & np.isfinite(idx) & (idx > 0)
        spec = {"index": {int(y): round(float(v), 9) for y, v in zip(self.years[keep], idx[keep])}, "after": "stop"}
        self.component_overrides[c] = spec
        declared.add(c)
        queue.append(c)
        last = int(self.years[keep][-1])
        said.append(f"为使{info.name_zh}保持当前路径，{COMPONENT_ZH[c]}按该路径推算"
                    f"（{self.base.base_year}—{last}年年均 {_pct(self.component_rate(c))}），拖动它即可改变{info.name_zh}。")
        return said

    def _component_index(self, name: str) -> np.ndarray:
        spec = self.component_overrides.get(name) or self.base.components.get(name)
        if not spec:
            return np.ones(len(self.years))
        return self.engine.component_index(name, spec, self.base.base_year, self.base.file)

    def reset(self) -> ScenarioResult:
        self.indicator_overrides.clear()
        self.component_overrides.clear()
        self.note = f"已恢复情景“{self.title()}”的原始设定。"
        return self.recompute()

    # -- the merged scenario -----------------------------------------------------------------
    def declared(self) -> set[str]:
        return set(self.base.components) | set(self.component_overrides)

    def scenario(self) -> Scenario:
        """The base scenario with the overrides applied (components win over their ratios)."""
        note = f"{EXPLORER_NOTE}（基于情景“{self.title()}”）"
        comps = {k: dict(v) for k, v in self.base.components.items()}
        for name, spec in self.component_overrides.items():
            why = "保持比率指标在调整前的路径上（交互式探索器推算）" if "index" in spec else note
            comps[name] = {**spec, "rationale": why}
        assumptions = {k: dict(v) for k, v in self.base.assumptions.items()}
        for code, spec in self.indicator_overrides.items():
            assumptions[code] = {**spec, "rationale": note}
        for name in comps:
            for code in dependants(name):
                assumptions.pop(code, None)
        return Scenario(name=self.base.name, description=self.base.description, author=self.base.author,
                        base_year=self.base.base_year, assumptions=assumptions, components=comps,
                        file=self.base.file, others=self.base.others)

    def driver(self, code: str) -> str:
        comps = components(code).values()
        return "components" if any(c in self.declared() for c in comps) else "indicator"

    def adjusted(self) -> bool:
        return bool(self.indicator_overrides or self.component_overrides)

    def recompute(self) -> ScenarioResult:
        """Paths and attainment for all 16 indicators (numpy only; no assumptions text)."""
        self.result = self.engine.compute(self.scenario())
        return self.result

    # -- what the widgets show -----------------------------------------------------------
    def records(self) -> list[dict]:
        r = self.result
        return attainment_records(self.prepared, r.values, r.bands, r.reasons)

    def _rate_of(self, code: str, y: np.ndarray) -> float:
        ok = np.nonzero(np.isfinite(y))[0]
        base = self.prepared.info[code].base
        if len(ok) < 2 or not np.isfinite(base):
            return float("nan")
        last = ok[-1]
        if self.years[last] - self.base.base_year <= 0:
            return float("nan")
        pts, growth = rules.pace(base, self.base.base_year, y[last], int(self.years[last]))
        return float(pts if self.slider_kind(code) == "points_per_year" else growth)

    def implied_rate(self, code: str) -> float:
        """The current path's yearly pace from the base year to its last year (slider position);
        NaN when the indicator has no path in this scenario."""
        return self._rate_of(code, self.result.values[self.prepared.index[code]])

    def component_rate(self, name: str) -> float:
        """A declared component's yearly growth (an index's average pace); NaN when not declared."""
        spec = self.component_overrides.get(name) or self.base.components.get(name)
        if not spec:
            return float("nan")
        if "growth" in spec:
            return float(spec["growth"])
        idx = self._component_index(name)
        ok = np.nonzero(np.isfinite(idx))[0]
        n = self.years[ok[-1]] - self.base.base_year if len(ok) else 0
        return rules.cagr(1.0, idx[ok[-1]], n) if n > 0 else float("nan")

    def slider_spec(self, code: str) -> dict:
        """Label, unit and a fixed range for an indicator's slider (from the plan's own pace, so the
        range never moves while the user drags); value is the current path's pace."""
        info = self.prepared.info[code]
        kind = self.slider_kind(code)
        plan = self._rate_of(code, self.prepared.plan[self.prepared.index[code]])
        plan = 0.0 if not np.isfinite(plan) else plan
        value = self.implied_rate(code)
        if kind == "growth":
            top = max(0.30, math.ceil(plan * 1.5 * 20) / 20)
            return {"code": code, "kind": kind, "label": info.name_zh, "unit": "%/年", "scale": 100.0,
                    "min": -0.10, "max": top, "step": 0.0025, "value": value}
        top = max(3.0, float(math.ceil(plan * 1.5)))
        return {"code": code, "kind": kind, "label": info.name_zh,
                "unit": f"{info.unit}/年" if info.unit != "%" else "百分点/年", "scale": 1.0,
                "min": -2.0, "max": top, "step": 0.05, "value": value}

    def table_html(self, first: list[str] | None = None) -> str:
        """The attainment table as HTML (:func:`qzlib.scenarios.explorer.view.attainment_html`)."""
        from qzlib.scenarios.explorer.view import attainment_html

        return attainment_html(self, first)

    def adjustable(self) -> list[str]:
        """Codes that can carry a path (a baseline and numeric targets)."""
        return [c for c in self.prepared.codes if not self.prepared.info[c].reason]

    # -- save ----------------------------------------------------------------------------
    def taken(self, name: str) -> str | None:
        """Why ``name`` cannot be saved to at all (a shipped scenario, or another's Chinese name)."""
        if name.lower() in SHIPPED or name in (self.titles.get(s) for s in SHIPPED):
            return f"“{name}”是项目自带的情景，不能覆盖；请换一个名称"
        clash = [n for n, t in self.titles.items() if t == name and n != name]
        if clash:
            return f"已有情景叫“{name}”；请换一个名称"
        return None

    def save_as(self, name: str, overwrite: bool = False, author: str = "交互式探索器",
                description: str | None = None) -> Path:
        """Write the current settings as ``<name>.yml`` in the scenarios folder (validated first).

        ``name`` follows :func:`check_name`; it is the file's name and the scenario's Chinese
        name (the description's lead words). A shipped scenario is never overwritten; an
        existing saved one only with ``overwrite=True`` (else :class:`NameTaken`)."""
        name = check_name(name)
        why = self.taken(name)
        if why:
            raise InputError.one(where="情景名称", value=name, expected=why)
        path = self.scenarios_dir / f"{name}.yml"
        existing = [p for p in list_files(self.scenarios_dir) if p.stem.lower() == name.lower()]
        if existing and not overwrite:
            raise NameTaken.one(where="情景名称", value=name,
                                expected=f"已有名为“{name}”的情景；再点一次“确认覆盖”才会覆盖它，或换一个名称")
        merged = self.scenario()
        changes = [f"{self.prepared.info[c].name_zh} {_rate_zh(s)}" for c, s in self.indicator_overrides.items()]
        changes += [f"{COMPONENT_ZH.get(k, k)} {_rate_zh(s) if 'growth' in s else '按原比率路径推算'}"
                    for k, s in self.component_overrides.items()]
        text_desc = description or (f"{name}：基于情景“{self.title()}”，在交互式探索器中调整："
                                    + ("；".join(changes) if changes else "未作调整"))
        out = Scenario(name=file_name_of(name), description=text_desc, author=author, base_year=merged.base_year,
                       assumptions=merged.assumptions, components=merged.components, others=merged.others)
        text = out.to_yaml()
        parse(text, path, self.years)  # refuse to write a file the batch could not run on this plan
        for old in existing:
            if old != path:
                old.unlink()   # Name.yml replaced by name.yml: one file per name
        with atomic_file(path) as fh:
            fh.write(text)
        self._refresh_names()
        self.note = f"已保存为情景“{name}”，简报和批处理都可以选用它。"
        return path


def error_zh(exc: InputError) -> str:
    """An input error as one Chinese sentence for the page (the English detail stays in the log)."""
    p = exc.problems[0] if exc.problems else None
    if p is None:
        return str(exc)
    got = "" if p.value is None else f"（输入：{p.value}）"
    if re.search(r"[\u4e00-\u9fff]", p.expected or ""):
        return f"{p.expected}{got}"
    return "输入有误，未采用。"


def open_explorer(processed_dir: str | Path | None = None, scenario: str = "plan_path",
                  scenarios_dir: str | Path | None = None) -> Explorer:
    """An explorer on the processed plan tables; statistics are read only if a scenario needs them."""
    from qzlib.scenarios import plan_points

    return Explorer(plan_points(processed_dir or None), None, scenarios_dir=scenarios_dir or None,
                    scenario=scenario, processed_dir=processed_dir or None)
