"""The explorer's state and callbacks, testable without a browser.

:class:`Explorer` holds the chosen scenario and the slider overrides; every method the
widgets call is plain Python (set a growth, set a component, switch scenario, save as a
scenario file) and leaves a sentence in :attr:`Explorer.note` saying what it did, so nothing
happens silently.

Every text a reader sees is a message of the catalogue (:func:`qzlib.i18n.T`, the Chinese text
as the message) said in the explorer's language, :attr:`Explorer.lang` (Chinese unless set; one
page's choice, never the process's). A note is kept in every language when it is made, so a
switch of language shows the same note at once; an error the page shows carries its sentence in
every language too (:func:`error_text`).

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
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from qzlib import i18n, rules
from qzlib.atomic import atomic_file
from qzlib.errors import InputError
from qzlib.i18n import LANGS, N_, T
from qzlib.paths import SCENARIOS
from qzlib.scenarios import COMPONENT_ZH, Engine, ScenarioResult, attainment_records, components
from qzlib.scenarios.plot import scenario_title
from qzlib.scenarios.files import list_files
from qzlib.scenarios.schema import SCHEMA, Scenario, component_names, dependants, load, parse

DEFAULT_CODES = ["per_mu_value_added", "per_mu_tax", "mfg_labour_productivity", "rd_intensity",
                 "high_new_tech_share", "digital_core_va"]
EXPLORER_NOTE = N_("交互式探索器中设定（基于情景“{name}”）")
COMPONENT_RANGE = (-0.10, 0.35)  # component sliders, yearly growth (fraction); fixed, never jumps

SHIPPED = ("plan_path", "recent_pace", "stress")   # the project's own scenarios: never overwritten
NAME_MAX = 40
NAME_CHARS = r"A-Za-z0-9_\u4e00-\u9fff"
SAVE_NAME = re.compile(rf"^[{NAME_CHARS}][{NAME_CHARS}-]{{0,{NAME_MAX - 1}}}$")
NAME_RULE = N_("名称须为 1—{max} 个字符，只能用中文、英文字母、数字、下划线“_”或连字符“-”，且不以“-”开头")
FILE_NAME = re.compile(SCHEMA["properties"]["name"]["pattern"])   # what the schema's `name:` accepts


class NameTaken(InputError):
    """A saved scenario of that name exists: the page asks before overwriting it."""


def said_in(lang: str, say: Callable[[], str]) -> str:
    """What ``say()`` says in ``lang``."""
    with i18n.using(lang):
        return say()


def in_every_language(say: Callable[[], str]) -> dict[str, str]:
    """{language: what ``say()`` says in it} — a note or an error kept for a later switch — each
    a sentence (see :func:`capitalised`)."""
    return {lang: capitalised(said_in(lang, say)) for lang in LANGS}


def capitalised(sentence: str) -> str:
    """A sentence starting with a capital where its script has one (a name said in English may
    start with a small letter: 'land of above-scale industry: …'); Chinese stays as it is.

    >>> capitalised("land: yearly growth 1.00%."), capitalised("用地：年均增长 1.00%。")
    ('Land: yearly growth 1.00%.', '用地：年均增长 1.00%。')
    """
    return sentence[:1].upper() + sentence[1:]


def name_rule() -> str:
    """The save-name rule in the language in use."""
    return T(NAME_RULE, max=NAME_MAX)


def refusal(where: str, expected: Callable[[], str], value=None, cls=InputError) -> InputError:
    """An input error for the page: its text (logs, tracebacks) is the Chinese sentence
    ``expected()`` says, and ``said`` keeps the page's sentence (with the input) in every language."""
    def page() -> str:
        v = value() if callable(value) else value
        return expected() + ("" if v is None else T("（输入：{value}）", value=v))

    with i18n.using("zh"):
        exc = cls.one(where=where, value=value() if callable(value) else value, expected=expected())
    exc.said = in_every_language(page)
    return exc


def check_name(name: str) -> str:
    """The save name, stripped, or an :class:`InputError` naming the rule (in every language).

    >>> check_name(" 用地不变-2 ")
    '用地不变-2'
    >>> check_name("../x")
    Traceback (most recent call last):
    ...
    qzlib.errors.InputError: 情景名称: got '../x'; expected 名称中不能有“.”“/”：名称须为 1—40 个字符，只能用中文、英文字母、数字、下划线“_”或连字符“-”，且不以“-”开头
    """
    name = (name or "").strip()
    if not name:
        raise refusal("情景名称", lambda: T("请填写名称（{rule}）", rule=name_rule()))
    if len(name) > NAME_MAX:
        raise refusal("情景名称", lambda: T("名称最多 {max} 个字符（{rule}）", max=NAME_MAX, rule=name_rule()),
                      value=lambda: T("{start}…（{n} 个字符）", start=name[:12], n=len(name)))
    if not SAVE_NAME.match(name):
        bad = [ch for ch in dict.fromkeys(name) if not re.match(rf"[{NAME_CHARS}-]", ch)]

        def said() -> str:
            chars = "".join(T("“{char}”", char=T("空格") if ch.isspace() else ch) for ch in bad)
            return T("名称中不能有{chars}：{rule}", chars=chars or T("开头的“-”"), rule=name_rule())
        raise refusal("情景名称", said, value=name)
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


def _rate_said(spec: dict) -> str:
    """A slider's setting in words, in the language in use: '年均增长 7.00%', '每年 +0.20'."""
    if "growth" in spec:
        return T("年均增长 {rate}", rate=_pct(spec["growth"]))
    return T("每年 {change}", change=f"{spec['points_per_year']:+.2f}")


def _language(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGS)}")
    return lang


def sentences(parts: list[str]) -> str:
    """Sentences one after another, as the language in use writes them (Chinese without a space)."""
    out = ""
    for part in map(capitalised, parts):
        out = T("{before}{after}", before=out, after=part) if out else part
    return out


class Explorer:
    """Scenario state behind the widgets. All rates are fractions (0.07 = 7 %).

    ``lang`` is the language its texts are said in (names, notes, the table); set it with
    :meth:`set_language`. :meth:`verdicts` is the current verdict of every indicator and
    milestone, the one the briefs use (computed once per language, when first asked)."""

    def __init__(self, points: pd.DataFrame, observations: pd.DataFrame | None = None,
                 scenarios_dir: str | Path | None = None, scenario: str = "plan_path",
                 processed_dir: str | Path | None = None, region: str | None = None, lang: str = "zh"):
        self.lang = _language(lang)
        self.points = points
        self.engine = Engine(points, observations, processed_dir, region)
        self.prepared = self.engine.prepared
        self.years = self.engine.years   # the plan's years: its baseline … three years after its period
        self.scenarios_dir = Path(scenarios_dir) if scenarios_dir else SCENARIOS
        self._processed_dir = processed_dir
        self._statistics_given = observations is not None
        self._verdicts: dict[str, pd.DataFrame] = {}
        self.indicator_overrides: dict[str, dict] = {}
        self.component_overrides: dict[str, dict] = {}  # name -> {"growth": g} or {"index": {...}}
        self.notes: dict[str, str] = {}
        self._refresh_names()
        self.select_scenario(scenario)

    # -- the language -----------------------------------------------------------------------
    def set_language(self, lang: str) -> ScenarioResult:
        """Say everything in ``lang`` from now on (this explorer only); the paths are computed
        again so that their reasons read in it."""
        self.lang = _language(lang)
        return self.recompute()

    @property
    def note(self) -> str:
        """What the last change did, in the explorer's language."""
        return self.notes.get(self.lang) or self.notes.get("zh", "")

    @note.setter
    def note(self, text: str) -> None:
        self.notes = {lang: text for lang in LANGS}

    def _tell(self, say: Callable[[], str]) -> None:
        """Keep the note ``say()`` makes in every language."""
        self.notes = in_every_language(say)

    def _refresh_names(self) -> None:
        """File names (the dropdown's values), the scenarios in them and their names for readers."""
        self.names = [p.stem for p in list_files(self.scenarios_dir)]
        self.loaded: dict[str, Scenario | None] = {}
        self.stems: dict[str, str] = {}   # the name inside a file -> the file's name
        for n in self.names:
            try:
                s = load(n, self.scenarios_dir, self.years)   # checked against this plan's years
                self.stems.setdefault(s.name, n)
            except InputError:
                s = None
            self.loaded[n] = s
        self._titles: dict[str, dict[str, str]] = {}

    def titles_in(self, lang: str) -> dict[str, str]:
        """{file name: the scenario's name for readers in ``lang``} (its label there)."""
        if lang not in self._titles:
            with i18n.using(lang):
                titles: dict[str, str] = {}
                for n, s in self.loaded.items():
                    title = scenario_title(s) if s is not None else T("{name}（文件有误，不能选用）", name=n)
                    if title in titles.values() and title != n:
                        title = T("{title}（{name}）", title=title, name=n)   # one lead, two files: the file tells
                    titles[n] = title
            self._titles[lang] = titles
        return self._titles[lang]

    @property
    def titles(self) -> dict[str, str]:
        """{file name: the scenario's name for readers}, in the explorer's language."""
        return self.titles_in(self.lang)

    def title_of(self, name: str) -> str:
        """A scenario's name for readers given its file's name or the name inside the file."""
        return self.titles.get(name) or self.titles.get(self.stems.get(name, ""), name)

    def options(self) -> list[tuple[str, str]]:
        """(name for readers, file name) pairs for a dropdown: ('规划路径情景', 'plan_path')."""
        return [(self.titles[n], n) for n in self.names]

    # -- state changes the widgets call --------------------------------------------------
    def select_scenario(self, name: str) -> ScenarioResult:
        """Switch to a shipped (or saved) scenario; clears every slider override."""
        self.base = self.engine.resolved(load(name, self.scenarios_dir))   # base year: the plan's if unset
        self.indicator_overrides.clear()
        self.component_overrides.clear()
        self._tell(lambda: T("已切换到情景“{name}”，滑块回到该情景的设定。", name=self.title()))
        return self.recompute()

    def title(self) -> str:
        """The name (for readers, in the language in use) of the scenario being edited."""
        stem = self.base.file.stem if self.base.file else ""
        return self.titles_in(i18n.current()).get(stem) or scenario_title(self.base)

    def slider_kind(self, code: str) -> str:
        """'points_per_year' for shares and declines (in points), else 'growth'."""
        return "points_per_year" if self.prepared.info[code].kind in {"share", "decline"} else "growth"

    def set_indicator(self, code: str, value: float) -> ScenarioResult:
        """Override one indicator with a yearly growth (fraction) or points per year."""
        info = self.prepared.info[code]
        if info.reason:
            raise refusal(f"assumptions.{code}", lambda: T("“{name}”没有路径，不能设定（{reason}）", name=info.name,
                                                          reason=info.reason))
        if self.driver(code) == "components":
            raise refusal(f"assumptions.{code}", lambda: T("“{name}”由分项推算，请调整分项：{components}",
                                                          name=info.name, components=self.components_of(code)),
                          value=value)
        kind = self.slider_kind(code)
        spec = self.indicator_overrides[code] = {kind: float(value)}
        self._tell(lambda: T("{name}：{rate}。", name=info.name, rate=_rate_said(spec)))
        return self.recompute()

    def components_of(self, code: str) -> str:
        """The components of a ratio indicator, named in the language in use ('规上工业增加值、规上工业用地面积')."""
        return T("、").join(T(COMPONENT_ZH[c]) for c in components(code).values())

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
        said = [lambda: T("{name}：{rate}。", name=T(COMPONENT_ZH[name]), rate=_rate_said({"growth": growth}))]
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
        self._tell(lambda: sentences([say() for say in said]))
        return self.recompute()

    def _keep_path(self, code: str, before: np.ndarray, declared: set, queue: list) -> list[Callable[[], str]]:
        """Index the undeclared components of ``code`` so that it stays on ``before``'s path; what
        was done, as sentences to say."""
        info = self.prepared.info[code]
        comps = components(code)
        num_name, den_name = comps["numerator"], comps["denominator"]
        said = []
        dropped = self.indicator_overrides.pop(code, None)
        if dropped:
            said.append(lambda: T("{name}原设定（{rate}）改由分项承接。", name=info.name, rate=_rate_said(dropped)))
        path = before[self.prepared.index[code]]
        rel = path / info.base
        t = self.years - self.base.base_year
        other = [c for c in (num_name, den_name) if c not in declared]
        if not other:
            return said
        c = other[0]
        ok = np.isfinite(rel) & (t > 0) & (rel > 0)
        if not ok.any():
            said.append(lambda: T("{name}此前没有路径，{component}按基期水平不变计算。", name=info.name,
                                  component=T(COMPONENT_ZH[c])))
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
        last, first, rate = int(self.years[keep][-1]), self.base.base_year, _pct(self.component_rate(c))
        said.append(lambda: T("为使{name}保持当前路径，{component}按该路径推算（{y0}—{y1}年年均 {rate}），拖动它即可改变{name}。",
                              name=info.name, component=T(COMPONENT_ZH[c]), y0=first, y1=last, rate=rate))
        return said

    def _component_index(self, name: str) -> np.ndarray:
        spec = self.component_overrides.get(name) or self.base.components.get(name)
        if not spec:
            return np.ones(len(self.years))
        return self.engine.component_index(name, spec, self.base.base_year, self.base.file)

    def reset(self) -> ScenarioResult:
        self.indicator_overrides.clear()
        self.component_overrides.clear()
        self._tell(lambda: T("已恢复情景“{name}”的原始设定。", name=self.title()))
        return self.recompute()

    # -- the merged scenario -----------------------------------------------------------------
    def declared(self) -> set[str]:
        return set(self.base.components) | set(self.component_overrides)

    def scenario(self) -> Scenario:
        """The base scenario with the overrides applied (components win over their ratios); each
        override's rationale in Chinese and in English (``rationale_en``, for the English brief)."""
        def why(spec: dict) -> dict:
            say = (lambda: T("保持比率指标在调整前的路径上（交互式探索器推算）")) if "index" in spec else \
                (lambda: T(EXPLORER_NOTE, name=self.title()))
            return {"rationale": said_in("zh", say), "rationale_en": said_in("en", say)}

        comps = {k: dict(v) for k, v in self.base.components.items()}
        for name, spec in self.component_overrides.items():
            comps[name] = {**spec, **why(spec)}
        assumptions = {k: dict(v) for k, v in self.base.assumptions.items()}
        for code, spec in self.indicator_overrides.items():
            assumptions[code] = {**spec, **why(spec)}
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
        """Paths and attainment for all 16 indicators (numpy only; no assumptions text), the
        reasons for a missing path in the explorer's language."""
        with i18n.using(self.lang):
            self.result = self.engine.compute(self.scenario())
        return self.result

    # -- the current verdicts (the briefs' rule) ---------------------------------------------
    @property
    def verdict_year(self) -> int:
        """The year the current verdicts are made for: this year, at most the plan's last year."""
        from qzlib.stats.schema import latest_year_begun

        last = self.prepared.period_end if self.prepared.period_end is not None else int(self.years[-1])
        return min(latest_year_begun(), int(last))

    def verdict_observations(self) -> pd.DataFrame | None:
        """The statistics the verdicts read: those given, else the processed folder's
        ``observations.csv`` when there is one (None otherwise: every verdict says why)."""
        from qzlib import paths

        if self._statistics_given or (Path(self._processed_dir or paths.PROCESSED) / "observations.csv").is_file():
            return self.engine.observations   # read once, shared with the scenarios that follow the statistics
        return None

    def verdicts(self) -> pd.DataFrame | None:
        """The current verdict of every indicator and milestone in the explorer's language:
        :func:`qzlib.forecast.verdicts.verdict_table` (the one rule the briefs, the progress page and
        ``qz trend progress`` read) for :attr:`verdict_year`; computed once per language (about
        0.5 s), when first asked. None when the explorer was given no plan table to judge."""
        if not isinstance(self.points, pd.DataFrame):
            return None
        if self.lang not in self._verdicts:
            from qzlib.forecast.verdicts import verdict_table

            with i18n.using(self.lang):
                self._verdicts[self.lang] = verdict_table(self.points, self.verdict_observations(),
                                                          self.verdict_year, self.engine.region)
        return self._verdicts[self.lang]

    def verdict_of(self, code: str, target_year) -> dict | None:
        """The current verdict's row of one indicator and target year (None when there is none)."""
        t = self.verdicts()
        if t is None or t.empty or target_year is None:
            return None
        rows = t[(t["code"] == code) & (t["target_year"] == int(target_year))]
        return rows.iloc[0].to_dict() if len(rows) else None

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
        with i18n.using(self.lang):
            label = info.name
            unit = T("%/年") if kind == "growth" else T("百分点/年") if info.unit == "%" else \
                T("{unit}/年", unit=i18n.term("unit", info.unit))
        if kind == "growth":
            top = max(0.30, math.ceil(plan * 1.5 * 20) / 20)
            return {"code": code, "kind": kind, "label": label, "unit": unit, "scale": 100.0,
                    "min": -0.10, "max": top, "step": 0.0025, "value": value}
        top = max(3.0, float(math.ceil(plan * 1.5)))
        return {"code": code, "kind": kind, "label": label, "unit": unit, "scale": 1.0,
                "min": -2.0, "max": top, "step": 0.05, "value": value}

    def adjustable(self) -> list[str]:
        """Codes that can carry a path (a baseline and numeric targets)."""
        return [c for c in self.prepared.codes if not self.prepared.info[c].reason]

    # -- save ----------------------------------------------------------------------------
    def taken(self, name: str) -> Callable[[], str] | None:
        """Why ``name`` cannot be saved to at all (a shipped scenario, or the name another is known
        by in any language), as a sentence to say; None when it can."""
        titles = [self.titles_in(lang) for lang in LANGS]
        if name.lower() in SHIPPED or any(name == t.get(s) for t in titles for s in SHIPPED):
            return lambda: T("“{name}”是项目自带的情景，不能覆盖；请换一个名称", name=name)
        if any(t == name and n != name for each in titles for n, t in each.items()):
            return lambda: T("已有情景叫“{name}”；请换一个名称", name=name)
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
            raise refusal("情景名称", why, value=name)
        path = self.scenarios_dir / f"{name}.yml"
        existing = [p for p in list_files(self.scenarios_dir) if p.stem.lower() == name.lower()]
        if existing and not overwrite:
            raise refusal("情景名称", lambda: T("已有名为“{name}”的情景；再点一次“确认覆盖”才会覆盖它，或换一个名称",
                                               name=name), value=name, cls=NameTaken)
        merged = self.scenario()

        def described() -> str:
            changes = [T("{name} {rate}", name=self.prepared.info[c].name, rate=_rate_said(s))
                       for c, s in self.indicator_overrides.items()]
            changes += [T("{name} {rate}", name=T(COMPONENT_ZH[k]) if k in COMPONENT_ZH else k,
                          rate=_rate_said(s) if "growth" in s else T("按原比率路径推算"))
                        for k, s in self.component_overrides.items()]
            return T("{name}：基于情景“{base}”，在交互式探索器中调整：{changes}", name=name, base=self.title(),
                     changes=T("；").join(changes) if changes else T("未作调整"))

        texts = {"label_en": name}   # the name it was saved under, in every language
        if description is None:
            texts["description_en"] = said_in("en", described)
        out = Scenario(name=file_name_of(name), description=description or said_in("zh", described), author=author,
                       base_year=merged.base_year, assumptions=merged.assumptions, components=merged.components,
                       others=merged.others, texts=texts)
        text = out.to_yaml()
        parse(text, path, self.years)  # refuse to write a file the batch could not run on this plan
        for old in existing:
            if old != path:
                old.unlink()   # Name.yml replaced by name.yml: one file per name
        with atomic_file(path) as fh:
            fh.write(text)
        self._refresh_names()
        self._tell(lambda: T("已保存为情景“{name}”，简报和批处理都可以选用它。", name=name))
        return path


def error_text(exc: InputError) -> str:
    """An input error as one sentence for the page, in the language in use: the explorer's own
    refusals carry theirs (:func:`refusal`); another error's Chinese sentence is shown in Chinese,
    and anything else as '输入有误，未采用。' (the English detail stays in the log)."""
    said = getattr(exc, "said", None)
    if said:
        return said.get(i18n.current()) or said["zh"]
    p = exc.problems[0] if exc.problems else None
    if p is None:
        return str(exc)
    if i18n.quotes_plan() and re.search(r"[\u4e00-\u9fff]", p.expected or ""):
        return p.expected + ("" if p.value is None else T("（输入：{value}）", value=p.value))
    return T("输入有误，未采用。")


error_zh = error_text   # the name it had while the page spoke only Chinese


def open_explorer(processed_dir: str | Path | None = None, scenario: str = "plan_path",
                  scenarios_dir: str | Path | None = None, lang: str = "zh") -> Explorer:
    """An explorer on the processed plan tables, speaking ``lang``; statistics are read when a
    scenario needs them, and for the current verdicts when the folder holds them."""
    from qzlib.scenarios import plan_points

    return Explorer(plan_points(processed_dir or None), None, scenarios_dir=scenarios_dir or None,
                    scenario=scenario, processed_dir=processed_dir or None, lang=lang)
