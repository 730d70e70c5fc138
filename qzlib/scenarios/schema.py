"""Scenario files: read, validate, and turn into a :class:`Scenario`.

Validation uses ``jsonschema`` (already present as a dependency of nbformat) for types
and ranges, plus a few hand-written checks that jsonschema words badly (an unknown
indicator code with the nearest known one, exactly one way of setting a path,
assumptions that contradict each other). Every problem is reported at once as an
:class:`~qzlib.errors.InputError` naming the file and the key path, e.g.
``scenarios/x.yml, assumptions.rd_intensty: got 'rd_intensty'; expected a known indicator code …``.

The years a file may name (``levels``, ``index``) are the plan's: after the base year and
within the years its paths run over (:attr:`qzlib.scenarios.engine.Prepared.years`, the
plan's baseline to three years after its period). A file read on its own (``parse``,
``load`` without ``years``) has no plan, so only the base year bounds them there; the
engine checks the plan's range (:func:`check_years`) before it runs a scenario.

File format (every assumption carries a ``source`` or a ``rationale``)::

    name: my_case                  # lower-case, = file name
    description: 中文说明
    author: 某某
    base_year: 2022                # optional: the plan's baseline year (the default), where paths start
    assumptions:                   # per indicator code (qzlib.catalogue), exactly one of:
      digital_core_va: {growth: 0.15, rationale: …}          # yearly growth (fraction)
      high_new_tech_share: {points_per_year: 2.5, source: …} # yearly change in the unit
      six_chains_revenue: {levels: {2025: 3000, 2027: 4200}, after: hold, source: …}
      rd_intensity: {follow: plan, pace: 0.8, rationale: …}  # the plan path (pace 1 = on plan)
      innovation_platforms: {follow: trend, series: {indicator: …, region: 衢州市}, method: auto}
      high_value_patents_per_10k:
        follow: reference                                    # a pace seen elsewhere
        reference: {indicator: rd_gdp_pct, region: 浙江省, from: 2016, to: 2023, measure: cagr}
        source: …
      per_mu_tax:
        follow: observed                                     # the region's own pace (>= 2 figures
        reference: {…}                                       # after base_year), else this reference
        rationale: …
    components:                    # optional: indices relative to base_year (1.0)
      value_added: {growth: 0.07, rationale: …}
      land: {index: {2027: 0.95}, after: hold, rationale: …}

A component moves every ratio indicator that contains it (see ``components`` in
resources/indicators.yml); giving such a ratio its own assumption as well is refused.
``after`` (levels, index, plan) is stop (default), hold or continue (last segment's pace).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from qzlib import catalogue, quick_jsonschema
from qzlib.errors import InputError, Problem
from qzlib.forecast.trend import (
    METHODS as TREND_METHODS,  # what fit() accepts: one list, not a copy
)
from qzlib.paths import ROOT, SCENARIOS
from qzlib.scenarios.files import list_files


jsonschema = quick_jsonschema.load()

MODES = ("growth", "points_per_year", "levels", "follow")
COMPONENT_MODES = ("growth", "index", "follow")
FOLLOW = ("plan", "trend", "reference", "observed")
MEASURES = ("cagr", "points", "rate")


def component_names() -> list[str]:
    """Every numerator/denominator named in the catalogue (value_added, land, …)."""
    names = set()
    for ind in catalogue.indicators():
        names.update(ind.components.values())
    return sorted(names)


def dependants(component: str) -> list[str]:
    """Codes of the ratio indicators that contain ``component``."""
    return [i.code for i in catalogue.indicators() if component in i.components.values()]


_YEAR_MAP = {
    "type": "object",
    "minProperties": 1,
    "description": "a mapping year: value (years after the base year, within the plan's years)",
    "additionalProperties": {"type": "number", "description": "a number"},
}

_REFERENCE = {
    "type": "object",
    "description": "a reference series: {indicator, region, from, to, measure}",
    "required": ["indicator", "region", "from", "to"],
    "additionalProperties": False,
    "properties": {
        "indicator": {"type": "string", "description": "an indicator_code of the statistics file"},
        "region": {"type": "string", "description": "a region as written in the statistics file (浙江省, 衢州市, 全国)"},
        "from": {"type": "integer", "minimum": 1990, "maximum": 2100, "description": "the first year of the window"},
        "to": {"type": "integer", "minimum": 1990, "maximum": 2100, "description": "the last year of the window"},
        "measure": {"enum": list(MEASURES),
                    "description": "cagr (compound growth of a level), points (yearly change in points) "
                                   "or rate (mean of a published growth rate in %)"},
    },
}

_COMMON = {
    "source": {"type": "string", "minLength": 1, "description": "where the assumption comes from (a text)"},
    "rationale": {"type": "string", "minLength": 1, "description": "why the assumption is made (a text)"},
    "source_en": {"type": "string", "minLength": 1, "description": "the source in English (for the English brief)"},
    "rationale_en": {"type": "string", "minLength": 1, "description": "the rationale in English (for the English brief)"},
    "after": {"enum": ["stop", "hold", "continue"],
              "description": "what happens after the last given year: stop, hold or continue"},
    "reference": _REFERENCE,
}

_ASSUMPTION = {
    "type": "object",
    "description": "one assumption: growth, points_per_year, levels or follow, with a source or rationale",
    "additionalProperties": False,
    "properties": {
        "growth": {"type": "number", "minimum": -0.5, "maximum": 1.0,
                   "description": "a yearly growth rate as a fraction between -0.5 and 1.0 (0.07 = 7 %)"},
        "points_per_year": {"type": "number", "minimum": -20, "maximum": 20,
                            "description": "a yearly change in the indicator's unit between -20 and 20"},
        "levels": _YEAR_MAP,
        "follow": {"enum": list(FOLLOW),
                   "description": "one of plan, trend, reference, observed (the region's own pace where it has "
                                  "enough figures after the base year, else the reference given)"},
        "pace": {"type": "number", "minimum": 0, "maximum": 2,
                 "description": "a share of the plan's yearly pace between 0 and 2 (1 = on plan)"},
        "series": {"type": "object", "additionalProperties": False,
                   "description": "the observed series a trend is fitted to: {indicator, region}",
                   "properties": {"indicator": {"type": "string"}, "region": {"type": "string"}}},
        "method": {"enum": list(TREND_METHODS),
                   "description": "a trend method of qz trend fit (趋势外推方法): one of "
                                  + ", ".join(TREND_METHODS)},
        **_COMMON,
    },
}

_COMPONENT = {
    "type": "object",
    "description": "one component assumption: growth, index or follow: reference, with a source or rationale",
    "additionalProperties": False,
    "properties": {
        "growth": _ASSUMPTION["properties"]["growth"],
        "index": {**_YEAR_MAP, "description": "a mapping year: index relative to the base year (1.0 = unchanged)",
                  "additionalProperties": {"type": "number", "exclusiveMinimum": 0, "maximum": 10,
                                           "description": "an index above 0 and at most 10"}},
        "follow": {"enum": ["reference"], "description": "reference (components have no plan or trend)"},
        **_COMMON,
    },
}

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "description": "a scenario: name, description, author, assumptions (base_year optional)",
    "required": ["name", "description", "author", "assumptions"],
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z\u4e00-\u9fff][a-z0-9_\u4e00-\u9fff-]{0,39}$",
                 "description": "a name of at most 40 lower-case letters, Chinese characters, digits, _ and -"},
        "description": {"type": "string", "minLength": 1, "description": "a description in Chinese"},
        "label": {"type": "string", "minLength": 1, "maxLength": 20, "description": "a short Chinese name for readers"},
        "label_en": {"type": "string", "minLength": 1, "maxLength": 60, "description": "the short name in English"},
        "description_en": {"type": "string", "minLength": 1, "description": "the description in English"},
        "author": {"type": "string", "minLength": 1, "description": "who wrote the scenario"},
        "base_year": {"type": "integer", "minimum": 2000, "maximum": 2100,
                      "description": "the year the assumptions start from (optional: the plan's own baseline "
                                     "year when left out)"},
        "assumptions": {"type": "object", "additionalProperties": _ASSUMPTION,
                        "description": "a mapping indicator code: assumption"},
        "components": {"type": "object", "additionalProperties": _COMPONENT,
                       "description": "a mapping component name: assumption"},
        "others": {**_ASSUMPTION, "description": "one assumption for every indicator of the plan that "
                                                 "'assumptions' does not name (and no component moves)"},
    },
}

_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@dataclass
class Scenario:
    """A validated scenario. ``assumptions``/``components`` keep the file's own dicts."""

    name: str
    description: str
    author: str
    base_year: int | None = None   # None: the baseline year of the plan it runs on
    assumptions: dict[str, dict] = field(default_factory=dict)
    components: dict[str, dict] = field(default_factory=dict)
    file: Path | None = None
    others: dict | None = None    # the assumption for every plan indicator not named above
    texts: dict = field(default_factory=dict)   # label, label_en, description_en: what readers see

    def said(self, name: str) -> str:
        """``label`` or ``description`` in the language in use (its ``_en`` twin in English; the
        description's lead words when there is no label)."""
        from qzlib import i18n

        row = {"description": self.description, **self.texts}
        if name == "label":
            head = self.description.split("：", 1)[0].strip()
            row.setdefault("label", head if 0 < len(head) <= 20 else self.name)
        return i18n.column_value(row, name)

    def assumption(self, code: str) -> dict | None:
        """The assumption that sets ``code``'s path: its own, else ``others`` (None if neither)."""
        return self.assumptions.get(code) or self.others

    def to_dict(self) -> dict:
        out = {"name": self.name, "description": self.description, **self.texts, "author": self.author}
        if self.base_year is not None:
            out["base_year"] = self.base_year
        out["assumptions"] = self.assumptions
        if self.components:
            out["components"] = self.components
        if self.others:
            out["others"] = self.others
        return out

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False, width=100)

    def ratio_driver(self, code: str) -> str:
        """'components' when the ratio ``code`` is moved by declared components, else 'indicator'."""
        known = catalogue.by_code().get(code)
        comps = known.components.values() if known else ()
        return "components" if any(c in self.components for c in comps) else "indicator"


def _display(path: Path | str | None) -> str:
    if path is None:
        return "<scenario>"
    p = Path(path)
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def _keypath(parts) -> str:
    return ".".join(str(p) for p in parts) or "(top level)"


def _schema_problems(data: dict, file: str) -> list[Problem]:
    problems = []
    for err in sorted(_VALIDATOR.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        path = list(err.absolute_path)
        if err.validator == "required":
            have = err.instance if isinstance(err.instance, dict) else {}
            for key in err.validator_value:
                if key not in have:
                    problems.append(Problem(file=file, where=_keypath(path + [key]),
                                            expected=f"a '{key}' key (missing)"))
            continue
        if err.validator == "additionalProperties" and isinstance(err.instance, dict):
            allowed = sorted(err.schema.get("properties", {}))
            for key in err.instance:
                if key not in allowed:
                    problems.append(Problem(file=file, where=_keypath(path + [key]), value=key,
                                            expected=f"one of the keys {', '.join(allowed)}"))
            continue
        expected = err.schema.get("description") or err.message
        problems.append(Problem(file=file, where=_keypath(path), value=err.instance, expected=expected))
    return problems


def year_problems(data: dict, file, years=None) -> list[Problem]:
    """Years in ``levels``/``index`` maps that are not after the base year or, when the plan's
    ``years`` are known (an array or range of consecutive years), outside them."""
    problems: list[Problem] = []
    base = data.get("base_year")
    first, last = (int(years[0]), int(years[-1])) if years is not None and len(years) else (None, None)
    after = base if isinstance(base, int) else first   # no base year given: the plan's baseline
    sections = [(f"{section}.{key}", spec) for section in ("assumptions", "components")
                if isinstance(data.get(section), dict) for key, spec in data[section].items()]
    sections += [("others", data["others"])] if isinstance(data.get("others"), dict) else []
    for where, spec in sections:
        if not isinstance(spec, dict):
            continue  # jsonschema reports the type
        for mapkey in ("levels", "index"):
            ys = spec.get(mapkey)
            if not isinstance(ys, dict):
                continue
            for y in ys:
                ok = isinstance(y, int) and not isinstance(y, bool)
                if ok and after is not None and y <= after:
                    ok = False
                if ok and last is not None and y > last:
                    ok = False
                if not ok:
                    since = f"after the base year {after}" if after is not None else "after the base year"
                    within = (f" and within the plan's years {first}–{last}" if last is not None
                              else " (a year number such as 2027)")
                    problems.append(Problem(file=file, where=f"{where}.{mapkey}.{y}", field=mapkey, value=y,
                                            expected=f"a year {since}{within}"))
    return problems


def check_years(scenario: "Scenario", years) -> None:
    """Raise InputError (file, key, year and the plan's range) for every year of ``scenario``
    outside the plan's ``years``; the engine calls it before running a scenario."""
    problems = year_problems(scenario.to_dict(), _display(scenario.file), years)
    if problems:
        raise InputError(problems)


def _semantic_problems(data: dict, file: str) -> list[Problem]:
    """Checks jsonschema words badly: codes, one mode, sources, window, contradictions."""
    problems: list[Problem] = []
    codes = sorted(catalogue.by_code())
    comps = component_names()
    assumptions = data.get("assumptions") if isinstance(data.get("assumptions"), dict) else {}
    components = data.get("components") if isinstance(data.get("components"), dict) else {}
    others = {"others": data["others"]} if isinstance(data.get("others"), dict) else {}

    def unknown(kind, key, known, where):
        near = difflib.get_close_matches(str(key), known, n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        problems.append(Problem(file=file, where=where, value=key,
                                expected=f"a known {kind}{hint}: one of {', '.join(known)}"))

    for section, items, known, modes, kind in [
        ("assumptions", assumptions, codes, MODES, "indicator code"),
        ("components", components, comps, COMPONENT_MODES, "component name"),
        ("", others, ["others"], MODES, "key"),
    ]:
        for key, spec in items.items():
            where = f"{section}.{key}" if section else key
            if key not in known and not (section == "assumptions" and catalogue.is_generated(key)):
                unknown(kind, key, known, where)
                continue
            if not isinstance(spec, dict):
                continue  # jsonschema reports the type
            given = [m for m in modes if m in spec]
            if len(given) != 1:
                problems.append(Problem(file=file, where=where, value=given or None,
                                        expected=f"exactly one of {', '.join(modes)}"))
            if not (spec.get("source") or spec.get("rationale")):
                problems.append(Problem(file=file, where=where,
                                        expected="a 'source' or 'rationale' saying where the assumption comes from"))
            follow = spec.get("follow")
            if follow == "reference" and "reference" not in spec:
                problems.append(Problem(file=file, where=f"{where}.reference",
                                        expected="a 'reference' series for follow: reference (missing)"))
            if "reference" in spec and follow not in ("reference", "observed"):
                problems.append(Problem(file=file, where=f"{where}.reference",
                                        expected="a reference only together with follow: reference or observed"))
            if "pace" in spec and follow != "plan":
                problems.append(Problem(file=file, where=f"{where}.pace", expected="pace only with follow: plan"))
            if ("series" in spec or "method" in spec) and follow != "trend":
                problems.append(Problem(file=file, where=where, expected="series/method only with follow: trend"))
            ref = spec.get("reference")
            if section == "components" and isinstance(ref, dict) and ref.get("measure") == "points":
                problems.append(Problem(file=file, where=f"{where}.reference.measure", value="points",
                                        expected="cagr or rate: a component is an index of a level, moved by a "
                                                 "growth rate; points a year have no meaning for it"))
            if isinstance(ref, dict) and isinstance(ref.get("from"), int) and isinstance(ref.get("to"), int):
                measure = ref.get("measure", "cagr")
                if ref["to"] < ref["from"] or (measure != "rate" and ref["to"] == ref["from"]):
                    problems.append(Problem(file=file, where=f"{where}.reference.to", value=ref["to"],
                                            expected=f"a year after 'from' ({ref['from']})"))
            if key in codes and catalogue.get(key).kind in {"share", "decline"} and "growth" in spec:
                pass  # a relative growth of a share is allowed (e.g. R&D intensity +4 % a year)

    # An indicator and its components must not both set the same path.
    for code, spec in assumptions.items():
        if code not in codes:
            continue
        declared = [c for c in catalogue.get(code).components.values() if c in components]
        if declared:
            problems.append(Problem(
                file=file, where=f"assumptions.{code}",
                expected=(f"either an assumption for {code} or for its components, not both: "
                          f"{', '.join('components.' + c for c in declared)} already set the path of {code}; "
                          f"remove one of them")))
    return problems


def parse(text: str, file: str | Path | None = None, years=None) -> Scenario:
    """Validate YAML text and return the scenario; raise InputError listing every problem.

    ``years``: the plan's years (``Engine.years``) when the plan is known; the years the
    file names must lie within them."""
    shown = _display(file)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError.one(file=shown, where=where,
                             expected=f"valid YAML ({problem})") from None
    if not isinstance(data, dict):
        raise InputError.one(file=shown, where="(top level)", value=type(data).__name__,
                             expected="a mapping with name, description, author, assumptions (and base_year)")
    problems = _semantic_problems(data, shown) + year_problems(data, shown, years) + _schema_problems(data, shown)
    if problems:
        # The same key can be named twice (unknown code and a schema detail): keep the first.
        seen, unique = set(), []
        for p in problems:
            if (p.where, p.expected) not in seen:
                seen.add((p.where, p.expected))
                unique.append(p)
        raise InputError(unique)
    return Scenario(name=data["name"], description=data["description"], author=data["author"],
                    base_year=data.get("base_year"), assumptions=dict(data["assumptions"] or {}),
                    others=data.get("others"),
                    components=dict(data.get("components") or {}), file=Path(file) if file else None,
                    texts={k: data[k] for k in ("label", "label_en", "description_en") if data.get(k)})


def resolve(name_or_path: str | Path, scenarios_dir: Path | None = None) -> Path:
    """A scenario name (``plan_path``) or a file path → the file."""
    p = Path(name_or_path)
    if p.suffix in {".yml", ".yaml"} or p.exists():
        return p
    folder = Path(scenarios_dir) if scenarios_dir else SCENARIOS
    for ext in (".yml", ".yaml"):
        if (folder / f"{name_or_path}{ext}").exists():
            return folder / f"{name_or_path}{ext}"
    known = ", ".join(s.stem for s in list_files(folder)) or "none"
    raise InputError.one(file=_display(folder), value=str(name_or_path),
                         expected=f"the name of a scenario file in that folder: {known}")


def load(name_or_path: str | Path, scenarios_dir: Path | None = None, years=None) -> Scenario:
    """Read and validate one scenario by name or path (against the plan's ``years`` if given)."""
    path = resolve(name_or_path, scenarios_dir)
    if not path.exists():
        raise InputError.one(file=_display(path), expected="an existing scenario file")
    return parse(path.read_text(encoding="utf-8"), path, years)
