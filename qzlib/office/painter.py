"""The brief's charts drawn in a helper process while its kernel goes on.

Why: drawing a chart (its layout, the raster, the PNG) was about half of the brief
notebook's time, while the kernel ran on one core and the other only waited. ``qz brief``
sets ``QZ_CHARTS_BESIDE=1`` for its kernel (a batch does not: its workers keep every core
busy); :func:`qzlib.report.sections.context.show` then sends each figure here, pickled with
the rcParams it would have been drawn under, and shows a placeholder; the brief's last cell
(:func:`qzlib.report.sections.context.charts_done`) puts each picture in its place with
``update_display`` once it is drawn. While the helper is still drawing one chart, the kernel
draws the next itself, so that neither waits while both have charts to draw. The picture
and its ``charts/`` file are the same :func:`qzlib.office.charts.png` render as in the
kernel. A figure that cannot be pickled is drawn in the kernel, as everywhere outside a brief.

The helper is a plain ``python -m qzlib.office.painter`` reading one job file name a line
and answering ``ok`` or ``error …`` a line, in order: no multiprocessing, whose resource
tracker ignores SIGTERM and held up every kernel's shutdown by 2.5 s. Jobs and pictures
travel as files, so neither side ever blocks on a full pipe.
"""
from __future__ import annotations

import os
import pickle
import select
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ENV = "QZ_CHARTS_BESIDE"
PENDING = "qz_chart_pending"   # a placeholder's metadata key: the runner refuses a brief that still has one
_SKIP_RC = ("backend", "backend_fallback", "interactive")


def wanted() -> bool:
    """Whether this kernel's runner asked for a helper (``QZ_CHARTS_BESIDE=1``)."""
    return os.environ.get(ENV, "0").strip() == "1"


@dataclass
class Job:
    name: str          # the file under charts/
    display_id: str    # the placeholder the picture replaces
    path: Path         # the job's file; its picture comes back as <path>.png


@dataclass
class Painter:
    """One helper process, started at once so that its imports overlap the brief's first cells."""

    jobs: list[Job] = field(default_factory=list)
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="qz-charts-")))
    proc: subprocess.Popen | None = None

    def __post_init__(self):
        self.log = open(self.folder / "painter.log", "w+b")   # noqa: SIM115  (closed by close())
        self.proc = subprocess.Popen([sys.executable, "-m", "qzlib.office.painter", str(self.folder)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, bufsize=0)
        self.answers: list[str] = []     # the helper's answers read so far, one per job in order
        self._unread = b""
        self._sent = 0

    @property
    def busy(self) -> bool:
        """Whether a chart sent earlier is still being drawn: the kernel then draws the next one
        itself, so that neither waits for the other while both have charts to draw."""
        self._read(wait=False)
        return len(self.answers) < len(self.jobs)

    def _read(self, wait: bool) -> None:
        """Take in the answers that have arrived (every one owed, when ``wait``)."""
        fd = self.proc.stdout.fileno()
        while len(self.answers) < len(self.jobs):
            if not wait and not select.select([fd], [], [], 0)[0]:
                return
            chunk = os.read(fd, 65536)
            if not chunk:       # the helper is gone: the missing answers say so
                self.answers += [""] * (len(self.jobs) - len(self.answers))
                return
            *lines, self._unread = (self._unread + chunk).split(b"\n")
            self.answers += [line.decode("utf-8", "replace").strip() for line in lines]

    def send(self, fig, name: str, display_id: str, dpi: int, warning: str, folder) -> bool:
        """Queue ``fig`` to be drawn and saved as ``charts/<name>``; False (nothing queued) when
        the figure cannot be pickled or the helper is gone, so that the caller draws it itself."""
        import matplotlib as mpl

        rc = {k: v for k, v in mpl.rcParams.items() if k not in _SKIP_RC}
        self._sent += 1
        path = self.folder / f"{self._sent:03d}.job"
        try:
            data = pickle.dumps((rc, dpi, warning, str(folder), name)) + pickle.dumps(fig)
            path.write_bytes(data)
            self.proc.stdin.write(f"{path}\n".encode())
        except Exception:   # e.g. a formatter made from a lambda, or a helper that died: drawn here
            return False
        self.jobs.append(Job(name, display_id, path))
        return True

    def drain(self):
        """(job, PNG bytes) for every queued chart, in the order sent; a chart that failed raises,
        naming it and what the helper said."""
        self._read(wait=True)
        jobs, answers = self.jobs, self.answers
        self.jobs, self.answers = [], []
        for job, said in zip(jobs, answers):
            if said != "ok":
                self.log.seek(0)
                detail = said.removeprefix("error ") or self.log.read().decode("utf-8", "replace").strip()[-800:]
                raise RuntimeError(f"drawing the chart {job.name} in the helper process failed: "
                                   f"{detail or f'the helper stopped (exit code {self.proc.poll()})'}")
            yield job, Path(f"{job.path}.png").read_bytes()

    def close(self) -> None:
        """Stop the helper (it ends at the end of its input) and remove the job files."""
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
        finally:
            self.log.close()
            shutil.rmtree(self.folder, ignore_errors=True)


def draw(job: Path) -> None:
    """Draw one job file: its chart saved under ``charts/`` and the picture shown as ``<job>.png``."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    from qzlib.office import charts

    with open(job, "rb") as fh:
        rc, dpi, warning, folder, name = pickle.load(fh)
        with mpl.rc_context(rc):     # the figure comes back and is drawn under the kernel's rcParams
            fig = pickle.load(fh)
            try:
                shown = charts.render(fig, folder, name, dpi, warning)
            finally:
                plt.close(fig)
    Path(f"{job}.png").write_bytes(shown)


def main(argv: list[str] | None = None) -> int:
    """The helper (``python -m qzlib.office.painter FOLDER``): a raster backend and the project's
    CJK font, then one job a line until the input ends; then it removes FOLDER, the jobs' folder,
    so that a kernel stopped mid-brief (killed, its input closed) leaves nothing behind."""
    import matplotlib

    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else None
    try:
        matplotlib.use("Agg")
        import matplotlib.pyplot  # noqa: F401  (an unpickled pyplot figure registers with it)

        from qzlib.fonts import use_cjk

        use_cjk()
        for line in sys.stdin:
            try:
                draw(Path(line.strip()))
                print("ok", flush=True)
            except Exception as exc:   # reported to the kernel, which fails the brief naming the chart
                print(f"error {type(exc).__name__}: {' '.join(str(exc).split())}"[:800], flush=True)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
