"""What every section shares: the processed tables, loaded once, and where to save.

Tables and charts leave a section through two calls, and everything beside the brief is
made from them: ``ctx.save(name, df, …)`` writes ``<name>.csv`` (UTF-8 with BOM, Chinese
headers, values as printed) and describes it in ``datapackage.json``, from which the
runner builds ``results.xlsx``; ``show(fig)`` displays a chart in the brief and writes it to
``charts/`` as a PNG for slides (see :mod:`qzlib.office`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from qzlib import i18n, office, paths
from qzlib.office.tables import TableSpec
from qzlib.plan.meta import PlanMeta

_current: "BriefContext | None" = None   # the brief this kernel runs (set by load_context): show() saves its charts


@dataclass
class BriefContext:
    """Everything one brief needs, loaded once from the processed tables."""

    year: int
    scenario: str
    lang: str
    processed_dir: Path
    output_dir: Path
    scenarios_dir: Path
    compare: tuple[str, ...]
    indicators: pd.DataFrame
    points: pd.DataFrame
    tasks: pd.DataFrame
    measures: pd.DataFrame
    targets: pd.DataFrame
    audit: pd.DataFrame
    responsibility: pd.DataFrame
    meta: PlanMeta          # the plan's place, title, number, date, period (from the plan's header)
    observations: pd.DataFrame | None = None
    saved: list[str] = field(default_factory=list)
    cache: dict = field(default_factory=dict)  # results computed once per brief (scenarios, progress)
    tables: dict = field(default_factory=dict)  # name → qzlib.office.tables.Table, in the order first saved
    charts: list[str] = field(default_factory=list)  # files show() wrote to charts/, in order
    placed: set = field(default_factory=set)    # places already named in this brief (i18n.place: first use)
    painter: object = None   # qzlib.office.painter.Painter when the runner asked for charts drawn beside

    def place(self, name: str) -> str:
        """A place in the brief's language; in English 'Quzhou (衢州市)' at its first use, 'Quzhou' after."""
        first = name not in self.placed
        self.placed.add(name)
        return i18n.place(name, first=first)

    def save(self, name: str, df: pd.DataFrame, spec: TableSpec | None = None, **spec_fields) -> pd.DataFrame:
        """Write a table the brief shows as ``<output_dir>/<name>.csv`` and describe it in
        ``datapackage.json`` (and so in ``results.xlsx``); returns ``df`` unchanged.

        What the section knows goes in ``spec`` (:class:`~qzlib.office.tables.TableSpec`) or as
        its fields: ``title`` (Chinese; the sheet's name), ``headers`` {column: Chinese header},
        ``units`` {column: unit}, ``digits`` {column: decimals printed}, ``percent`` {column:
        decimals of the per cent, for a fraction printed as per cent}, ``keep_names`` (column
        names fixed for machines), ``description``. The rest is inferred: titles of known
        machine names (:mod:`qzlib.office.glossary`), years as whole numbers, other numbers at
        ``rules.VALUE_DIGITS``. E.g. ``ctx.save("verdicts", df, title="指标判断", keep_names=True,
        headers={"verdict": "判断"}, digits={"latest_value": 2})``.
        """
        from qzlib.office import csvfile, datapackage
        from qzlib.office.tables import describe

        spec = replace(spec, **spec_fields) if spec is not None else TableSpec(**spec_fields)
        number = list(self.tables).index(name) + 1 if name in self.tables else len(self.tables) + 1
        table = describe(name, df, spec, number=number)
        csvfile.write(df, table, self.output_dir)
        self.tables[name] = table
        if table.file not in self.saved:
            self.saved.append(table.file)
        if office.enabled():
            datapackage.write(self.brief_info, list(self.tables.values()), self.output_dir)
        return df

    def save_chart(self, fig, dpi: int = 150) -> bytes:
        """Write ``fig`` to ``<output_dir>/charts/`` (:mod:`qzlib.office.charts`), named by
        ``fig.get_label()`` or its number, with the brief's test-data warning when it has one;
        returns the PNG the brief shows (the same render when there is no warning)."""
        from qzlib.office import charts

        name = self._chart_name(fig)
        shown = charts.render(fig, self.output_dir, name, dpi, self.test_warning)
        self.charts.append(name)
        return shown

    def _chart_name(self, fig) -> str:
        """The next chart's file under charts/ (:func:`qzlib.office.charts.file_name`)."""
        from qzlib.office import charts

        return charts.file_name(fig.get_label(), len(self.charts) + 1, set(self.charts))

    def paint_beside(self, fig, dpi: int = 150) -> bool:
        """Hand ``fig`` to the helper process (:mod:`qzlib.office.painter`, when the runner asked
        for one) and show a placeholder that :func:`charts_done` replaces with the picture; False
        when there is no helper, it is still drawing the previous chart, or the figure cannot
        travel: the caller then draws it here."""
        if self.painter is None or self.painter.busy:     # busy: drawn here meanwhile
            return False
        import uuid

        from IPython.display import display

        from qzlib.office import painter

        name = self._chart_name(fig)
        display_id = f"qz-chart-{uuid.uuid4().hex}"
        if not self.painter.send(fig, name, display_id, dpi, self.test_warning, self.output_dir):
            return False
        self.charts.append(name)
        display({"text/plain": f"(chart {name}: being drawn)"}, raw=True, metadata={painter.PENDING: name},
                display_id=display_id)
        return True

    @property
    def test_warning(self) -> str:
        """The title page's warning when the brief uses figures marked 测试, else ''."""
        from qzlib.stats.sources import test_figures

        def warning() -> str:
            n = len(test_figures(self.observations)) if self.has_obs else 0
            return i18n.T("本简报使用了标为“测试”的数据，不是正式统计，不得引用（共 {n} 个数值）", n=n) if n else ""
        return self.once("office:test_warning", warning)

    @property
    def brief_info(self):
        """What the data package says about this brief (:class:`qzlib.office.datapackage.BriefInfo`)."""
        from qzlib.office.datapackage import BriefInfo

        m = self.meta
        return self.once("office:brief_info", lambda: BriefInfo(
            year=self.year, scenario=self.scenario, region=m.region, plan_title=m.title, doc_number=m.doc_number,
            issued=m.issued, period=f"{m.period_start}—{m.period_end}", warning=self.test_warning))

    def once(self, key: str, compute):
        """``compute()`` the first time ``key`` is asked for in this brief, the cached value after."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    @property
    def region(self) -> str:
        """The place whose figures the plan's indicators are (衢州市 for the shipped plan)."""
        return self.meta.region

    @property
    def has_obs(self) -> bool:
        return self.observations is not None and len(self.observations) > 0

    @property
    def base_year(self) -> int | None:
        b = self.points[self.points["role"] == "baseline"]["year"]
        return int(b.mode().iloc[0]) if len(b) else None

    @property
    def target_years(self) -> list[int]:
        return sorted(int(y) for y in self.points.loc[self.points["role"] == "target", "year"].unique())

    @property
    def n_indicators(self) -> int:
        return int(self.points["code"].nunique())

    def name(self, code: str) -> str:
        """The indicator's name as the plan writes it (its catalogue name in English)."""
        row = self.points.loc[self.points["code"] == code].iloc[0]
        return i18n.column_value(row, "name")

    def unit(self, code: str) -> str:
        """The indicator's unit as the plan writes it, in the brief's language."""
        return i18n.term("unit", str(self.points.loc[self.points["code"] == code, "unit"].iloc[0]))


def load_context(year, scenario="plan_path", lang="zh", processed_dir="", output_dir=".",
                 scenarios_dir="", compare="") -> BriefContext:
    """Read the processed tables (papermill hands over strings; they are normalised here)."""
    from qzlib.plan.tables import (
        indicator_points,
        load_indicators,
        load_plan_meta,
        load_table,
    )

    processed = Path(processed_dir) if processed_dir else paths.PROCESSED
    out = paths.output_path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    indicators = load_indicators(processed)
    observations = None
    if (processed / "observations.csv").is_file():
        from qzlib.stats import load_observations

        observations = known_by(load_observations(processed), int(year))
    if isinstance(compare, str):
        compare = tuple(s for s in compare.split(",") if s)
    i18n.set_language(str(lang))    # every T(), place and number of this brief speaks its language
    global _current
    if _current is not None and _current.painter is not None:   # the notebook run again in one kernel
        _current.painter.close()
    from qzlib.office import painter

    _current = BriefContext(
        year=int(year), scenario=str(scenario), lang=str(lang), processed_dir=processed, output_dir=out,
        scenarios_dir=Path(scenarios_dir) if scenarios_dir else paths.SCENARIOS, compare=tuple(compare),
        indicators=indicators, points=indicator_points(indicators),
        tasks=load_table("tasks", processed), measures=load_table("measures", processed),
        targets=load_table("targets", processed), audit=load_table("audit", processed),
        responsibility=load_table("responsibility", processed), meta=load_plan_meta(processed),
        observations=observations,
        painter=painter.Painter() if office.enabled() and painter.wanted() else None,
    )
    return _current


def md(text: str):
    """A prose cell of the brief (its words already in the brief's language, ``T("…")``)."""
    from IPython.display import Markdown

    return Markdown(text)


def known_by(observations: pd.DataFrame, year: int) -> pd.DataFrame:
    """The figures a brief for ``year`` may use: those of ``year`` and before (no time travel).

    A brief for 2023 built today says what could be said with the figures of 2023; later
    figures, held now, are not shown, fitted, judged or drawn. (A figure revised since is
    used in its revised form; the data log keeps the old one.)
    """
    kept = observations[pd.to_numeric(observations["year"], errors="coerce") <= int(year)].copy()
    kept.attrs = dict(observations.attrs)
    return kept


def show(fig, dpi: int = 170) -> None:
    """Display a figure once, as a PNG rendered here (whatever the kernel's backend), and free it.

    In a brief (after :func:`load_context`) the chart is also written to ``charts/`` beside it:
    named by ``fig.get_label()`` when the section set one (``fig.set_label("二_实际值与规划路径")``),
    else by its number among the brief's charts (``图03.png``); the brief then shows that same
    picture, at ``dpi`` or more so that it is at least 1200 px wide.
    """
    import io

    from IPython.display import Image, display

    if fig is None:
        return
    try:
        if _current is not None and office.enabled():
            if _current.paint_beside(fig, dpi):
                return
            data = _current.save_chart(fig, dpi)
        else:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
            data = buf.getvalue()
    finally:
        plt.close(fig)
    display(Image(data=data, format="png"))


def charts_done(ctx: BriefContext | None = None) -> None:
    """Put every chart drawn beside the kernel in its place (the brief's last cell): each
    placeholder :func:`show` left becomes its picture. Nothing to do without a helper."""
    from IPython.display import Image, update_display

    ctx = ctx or _current
    if ctx is None or ctx.painter is None:
        return
    try:
        for job, data in ctx.painter.drain():
            update_display(Image(data=data, format="png"), display_id=job.display_id)
    finally:
        ctx.painter.close()
        ctx.painter = None
