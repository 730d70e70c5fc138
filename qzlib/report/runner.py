"""Run the brief: validate parameters, execute notebooks with papermill, export, publish.

One process per brief: papermill is called in-process (its CLI costs ~2 s more per
notebook). A brief is built into a new version of its folder while holding the
destination's lock, reading one pinned version of data/processed, and published by an
atomic symlink swap only when the PDF exists (qzlib.atomic), so a failed or killed run
never leaves a half-written brief over a good one.

Building (``build_brief``, any process) and publishing (``publish_brief``, the process
that holds the lock) are separate steps, so a batch can build in workers and publish
from the client.
"""
from __future__ import annotations

import re
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from qzlib import i18n, paths, quick_jsonschema
from qzlib.atomic import discard, locked, new_stage, publish, reading
from qzlib.errors import InputError, Problem
from qzlib.paths import BRIEF_NOTEBOOK

LANGS = i18n.LANGS   # a brief in each; both live in one folder (i18n.file_name)
REQUIRED_TABLES = ("indicators.csv", "tasks.csv", "measures.csv", "targets.csv", "audit.csv",
                   "responsibility.csv")


@dataclass
class BriefRequest:
    year: int
    scenario: str = "plan_path"
    lang: str = "zh"
    processed_dir: Path = field(default_factory=lambda: paths.PROCESSED)
    outputs_dir: Path = field(default_factory=lambda: paths.OUTPUTS)
    notebooks_dir: Path = field(default_factory=lambda: paths.NOTEBOOKS)
    scenarios_dir: Path = field(default_factory=lambda: paths.SCENARIOS)
    compare: tuple[str, ...] = ()  # other scenarios shown on the comparison page
    plan: str = ""  # the plan workspace's name ("" = the project's own plan), for labels

    @property
    def destination(self) -> Path:
        return Path(self.outputs_dir) / str(self.year) / self.scenario

    @property
    def label(self) -> str:
        return f"{self.plan + '/' if self.plan else ''}{self.year}/{self.scenario}" + \
            (f" ({self.lang})" if self.lang != "zh" else "")


@dataclass
class BriefResult:
    request: BriefRequest
    ok: bool
    seconds: float
    pdf: Path | None = None
    error: str = ""
    failed_cell: str = ""
    skipped: bool = False  # up to date: its inputs had not changed, nothing was built


def available_scenarios(scenarios_dir: Path | None = None) -> list[str]:
    """Scenario names in a folder, by the one listing rule (qzlib.scenarios.files.list_files)."""
    from qzlib.scenarios.files import list_files

    return sorted({p.stem for p in list_files(Path(scenarios_dir or paths.SCENARIOS))})


def parse_years(text: str) -> list[int]:
    """'2023-2027' → [2023..2027]; '2024,2026' → [2024, 2026]; bad text → InputError."""
    years: list[int] = []
    for part in str(text).split(","):
        part = part.strip()
        m = re.fullmatch(r"(\d{4})\s*[-–~]\s*(\d{4})", part)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            if a > b:
                raise InputError.one(where="--years", value=part, expected="a range from low to high, e.g. 2023-2027")
            years.extend(range(a, b + 1))
        elif re.fullmatch(r"\d{4}", part):
            years.append(int(part))
        else:
            raise InputError.one(where="--years", value=part, expected="a year (2025), a range (2023-2027) or a comma list")
    return sorted(set(years))


def brief_years(req: BriefRequest) -> tuple[int, int, str]:
    """(first, last, period text) of the years a brief of this plan can be made for: the plan's
    own period (from its header) to its :attr:`~qzlib.plan.meta.PlanMeta.horizon_end` (three years
    after it; the rule scenario paths follow too)."""
    from qzlib.plan import meta as plan_meta

    processed = Path(req.processed_dir)
    m = plan_meta.load(processed) if (processed / "plan.csv").is_file() else plan_meta.read(paths.PLAN_FILE)
    return m.period_start, m.horizon_end, f"{m.period_start}–{m.period_end}"


def validate(req: BriefRequest) -> None:
    """Every parameter problem at once, before any kernel starts."""
    problems: list[Problem] = []
    first, last, period = brief_years(req)
    if not isinstance(req.year, int) or not first <= req.year <= last:
        problems.append(Problem(where="parameters", field="year", value=req.year,
                                expected=f"an integer year from {first} to {last} (the plan runs {period})"))
    known = available_scenarios(req.scenarios_dir)
    for name in (req.scenario, *req.compare):
        if name not in known:
            problems.append(Problem(where="parameters", field="scenario", value=name,
                                    expected=f"one of the scenario files in {req.scenarios_dir}: {', '.join(known) or '(none)'}"))
    if req.lang not in LANGS:
        problems.append(Problem(where="parameters", field="lang", value=req.lang, expected=f"one of {', '.join(LANGS)}"))
    nb = Path(req.notebooks_dir) / BRIEF_NOTEBOOK
    if not nb.is_file():
        problems.append(Problem(file=nb, expected="the brief notebook"))
    missing = [t for t in REQUIRED_TABLES if not (Path(req.processed_dir) / t).is_file()]
    if missing:
        problems.append(Problem(file=req.processed_dir, field="tables", value=", ".join(missing),
                                expected="the tables written by `qz ingest` (run it first)"))
    if problems:
        raise InputError(problems)


def _failed_cell(exc: Exception, executed: Path, source: Path) -> str:
    """'cell 4 of 01_brief.ipynb (In [3]) «first line»: ValueError: …' for a papermill failure.

    The executed notebook carries papermill's extra cells, so the failing cell is found by
    its error output and located in the source notebook by its text.
    """
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    where = "notebook"
    try:
        import nbformat

        cells = nbformat.read(executed, as_version=4).cells
        bad = next(c for c in cells if any(o.get("output_type") == "error" for o in c.get("outputs", [])))
        src_cells = nbformat.read(source, as_version=4).cells
        pos = next((i for i, c in enumerate(src_cells, 1) if c.source == bad.source), None)
        first = bad.source.strip().splitlines()[0][:60] if bad.source.strip() else ""
        where = f"cell {pos} of {source.name}" if pos else f"a cell of {source.name}"
        where += f" (In [{bad.get('execution_count')}]) «{first}»"
    except Exception:  # the report must not fail on a broken or missing notebook file
        pass
    return f"{where}: {ename}: {str(evalue).strip()[:300]}"


def _kernel_manager_class():
    """Kernels talk over local IPC sockets (unique absolute paths) rather than TCP.

    Nothing leaves the machine either way, but TCP kernels print an encryption warning
    on every start, which would drown the batch's own messages.
    """
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from traitlets import Unicode, default

    class IPCKernelManager(AsyncKernelManager):
        transport = Unicode("ipc")

        @default("ip")
        def _ip_default(self):
            return str(Path(tempfile.gettempdir()) / f"qz-kernel-{uuid.uuid4().hex}")

    return IPCKernelManager


def notebook_parameters(req: BriefRequest, output_dir: Path, processed_dir: Path | None = None) -> dict:
    return {
        "year": req.year,
        "scenario": req.scenario,
        "lang": req.lang,
        "processed_dir": str(Path(processed_dir or req.processed_dir).resolve()),
        "scenarios_dir": str(Path(req.scenarios_dir).resolve()),
        "output_dir": str(output_dir.resolve()),
        "compare": ",".join(req.compare),
    }


def build_brief(req: BriefRequest, stage: Path) -> BriefResult:
    """Execute the brief notebook and export it into ``stage``; never publishes.

    The kernel writes the tables (CSV, ``datapackage.json``) and ``charts/``; then the
    notebook becomes ``brief.html`` and ``brief.pdf``, while :func:`qzlib.office.finish` adds
    ``results.xlsx`` and ``brief.docx`` in a forked process (the PDF and the office files
    take one core each). Everything is in ``stage`` before anything is
    published, so a failure in any step leaves the previous brief complete.

    data/processed is read from one pinned version (a new ingest meanwhile does not mix
    its tables into this brief). Failures are returned, not raised.
    """
    quick_jsonschema.load()       # before papermill and nbformat import it
    import nbformat
    import papermill as pm

    from qzlib import office
    from qzlib.plan import meta as plan_meta

    start = time.perf_counter()
    executed = stage / i18n.file_name(BRIEF_NOTEBOOK, req.lang)
    writing = None
    warming = _warm_up()
    try:
        with reading(req.processed_dir) as processed, _charts_beside():
            pm.execute_notebook(
                str(Path(req.notebooks_dir) / BRIEF_NOTEBOOK),
                str(executed),
                parameters=notebook_parameters(req, stage, processed),
                kernel_name="python3",
                progress_bar=False,
                cwd=str(stage),
                kernel_manager_class=_kernel_manager_class(),
                request_save_on_cell_execute=False,   # one write at the end, not one per cell
                shutdown_kernel="immediate",   # every output is in by then; a polite stop took 0.4 s
            )
            place = plan_meta.load(processed).region if (processed / "plan.csv").is_file() else ""  # from its header
        warming.join()
        from qzlib.report.export import html_to_pdf, notebook_to_html

        nb = nbformat.read(executed, as_version=4)
        _all_charts_in_place(nb)
        with i18n.using(req.lang):
            title = i18n.T("{place}“415X”先进制造业集群培育工程监测简报 · {year}年", place=i18n.place(place),
                           year=req.year)
            html = notebook_to_html(nb, title=title)
            (stage / i18n.file_name("brief.html")).write_text(html, encoding="utf-8")
            # results.xlsx and brief.docx are written beside the PDF, on the other core
            writing = _Beside(office.finish, stage, html, title) if office.enabled() else None
            html_to_pdf(html, stage / i18n.file_name("brief.pdf"), base_url=str(stage))
    except Exception as exc:
        if writing:
            writing.wait()       # the stage is dropped after this; nothing may still write into it
        failed = _failed_cell(exc, executed, Path(req.notebooks_dir) / BRIEF_NOTEBOOK)
        return BriefResult(req, ok=False, seconds=time.perf_counter() - start, error=str(exc)[:2000],
                           failed_cell=failed)
    failure = writing.wait() if writing else None
    if failure:
        return BriefResult(req, ok=False, seconds=time.perf_counter() - start, error=failure[:2000],
                           failed_cell=f"writing {' and '.join(office.FILES)}: {failure[:300]}")
    return BriefResult(req, ok=True, seconds=time.perf_counter() - start)


@contextmanager
def _charts_beside():
    """The kernel draws its charts in a helper process (:mod:`qzlib.office.painter`) when this
    process has a core to spare: not in a batch's worker (daemonic; the batch keeps every core busy)."""
    import multiprocessing
    import os

    from qzlib.office import painter

    spare = not multiprocessing.current_process().daemon and (os.cpu_count() or 1) > 1
    before = os.environ.get(painter.ENV)
    if spare and before is None:
        os.environ[painter.ENV] = "1"      # the kernel inherits this process's environment
    try:
        yield
    finally:
        if spare and before is None:
            os.environ.pop(painter.ENV, None)


def _all_charts_in_place(nb) -> None:
    """Refuse a brief whose notebook left a chart's placeholder (it must end with
    ``S.charts_done(ctx)``, which puts the charts drawn beside the kernel in their places)."""
    from qzlib.office.painter import PENDING

    left = [o["metadata"][PENDING] for c in nb.cells for o in c.get("outputs", [])
            if PENDING in o.get("metadata", {})]
    if left:
        raise RuntimeError(f"the charts {', '.join(left)} were never put in place: the brief notebook "
                           f"must end with a cell calling S.charts_done(ctx)")


def _warm_up():
    """Import what exports the brief (nbconvert, WeasyPrint) in a thread while the kernel runs:
    this process only waits for the kernel meanwhile, and the imports take about a second of
    the other core. (The office files' libraries are imported by the process that writes them,
    beside the PDF, where a core is free.) Returns the started thread."""
    import threading

    def imports() -> None:
        try:
            import weasyprint  # noqa: F401
            import weasyprint.text.fonts  # noqa: F401

            import qzlib.report.export  # noqa: F401
        except Exception:   # the export imports them again and reports any error itself
            pass

    thread = threading.Thread(target=imports, name="qz-warm-up", daemon=True)
    thread.start()
    return thread


class _Beside:
    """A function run in a forked process: ``wait()`` gives None when it returned, else its
    error as one line. Run at once instead where there is no fork, and in a batch's worker
    (a daemonic process may not have children; the batch keeps both cores busy anyway)."""

    def __init__(self, fn, *args):
        import multiprocessing

        self.error: str | None = None
        self.proc = None
        try:
            ctx = multiprocessing.get_context("fork")
        except ValueError:
            ctx = None
        if ctx is None or multiprocessing.current_process().daemon:
            self.error = _run_and_say(fn, *args)
            return
        self.reader, writer = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_child, args=(writer, fn, *args), daemon=True)
        self.proc.start()
        writer.close()

    def wait(self) -> str | None:
        if self.proc is None:
            return self.error
        try:
            said = self.reader.recv()
        except EOFError:
            said = None
        self.proc.join()
        if said is None and self.proc.exitcode != 0:
            return f"the process writing them stopped (exit code {self.proc.exitcode})"
        return said or None


def _run_and_say(fn, *args) -> str | None:
    try:
        fn(*args)
    except Exception as exc:   # the brief reports it; the stage is then discarded
        return f"{type(exc).__name__}: {str(exc).strip()}"
    return None


def _child(writer, fn, *args) -> None:
    writer.send(_run_and_say(fn, *args) or "")
    writer.close()


def publish_brief(result: BriefResult, stage: Path, inputs: dict | None = None) -> BriefResult:
    """Swap a built brief into place, or drop the stage of a failed one (the previous brief
    stays as it was). ``inputs`` (qzlib.report.inputs) is recorded beside the brief.
    Call with ``locked(result.request.destination)`` held."""
    from qzlib.report import inputs as brief_inputs

    dest = result.request.destination
    if not result.ok:
        discard(stage)
        return result
    try:
        if inputs is not None:
            brief_inputs.write(stage, inputs, result.request.lang)
        carry_other_languages(dest, stage, result.request.lang)
        publish(stage, dest)
    except Exception as exc:
        discard(stage)
        return BriefResult(result.request, ok=False, seconds=result.seconds, error=str(exc),
                           failed_cell=f"publishing to {dest}: {exc}")
    return BriefResult(result.request, ok=True, seconds=result.seconds,
                       pdf=dest / i18n.file_name("brief.pdf", result.request.lang))


def carry_other_languages(dest: Path, stage: Path, lang: str) -> list[str]:
    """Link the published brief's files of the other languages into ``stage``, so that building
    one language's brief leaves the other's as it was (both share the folder). Returns them."""
    import os
    import shutil

    dest = Path(dest)
    if not dest.is_dir():
        return []
    carried = []
    for p in sorted(dest.rglob("*")):
        rel = p.relative_to(dest)
        if not p.is_file() or i18n.language_of(rel.as_posix()) == lang or (Path(stage) / rel).exists():
            continue
        (Path(stage) / rel).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(p, Path(stage) / rel)
        except OSError:
            shutil.copy2(p, Path(stage) / rel)
        carried.append(rel.as_posix())
    return carried


def run_brief(req: BriefRequest, on_wait: Callable[[str], None] | None = None) -> BriefResult:
    """Build one brief and publish it only if everything worked.

    A second run for the same year and scenario waits for the first (``on_wait`` is told).
    """
    from qzlib.report.inputs import brief_inputs

    validate(req)
    with locked(req.destination, on_wait=on_wait):
        inputs = brief_inputs(req)
        stage = new_stage(req.destination)
        try:
            result = build_brief(req, stage)
        except BaseException:
            discard(stage)
            raise
        return publish_brief(result, stage, inputs)
