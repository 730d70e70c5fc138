"""What a brief was built from, so that an unchanged brief is not built again.

A published brief folder holds ``inputs.json``: the request (year, scenario, language,
compared scenarios), the SHA-256 of the processed tables (from the manifest ``qz ingest``
wrote, else of the tables themselves), of each scenario file used, of the brief notebook,
and of qzlib (its version and one hash over its .py files and resources). A brief whose
recorded inputs equal the current ones is up to date.
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path

from qzlib import i18n
from qzlib.errors import InputError
from qzlib.hashing import file_sha256
from qzlib.paths import BRIEF_NOTEBOOK

INPUTS = "inputs.json"
QZLIB = Path(__file__).resolve().parent.parent


def code_hash() -> str:
    """One SHA-256 over qzlib's .py files and resources (names and contents), in name order."""
    h = hashlib.sha256()
    for p in sorted(QZLIB.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts and (p.suffix == ".py" or "resources" in p.parts):
            h.update(p.relative_to(QZLIB).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _tables(processed: Path) -> dict[str, str]:
    from qzlib.pipeline import read_manifest

    manifest = read_manifest(processed)
    if manifest and manifest.get("tables"):
        return dict(manifest["tables"])
    return {p.name: file_sha256(p) for p in sorted(Path(processed).glob("*.csv"))}


def _scenario_file(scenarios_dir: Path, name: str) -> Path | None:
    from qzlib.scenarios.files import list_files

    return next((p for p in list_files(Path(scenarios_dir)) if p.stem == name), None)


def _other_plans(processed: Path) -> dict[str, str]:
    """The plan text of every other workspace (plans/<name>/): a county with a plan of its own
    shows its targets in the city's brief, so a change to that plan rebuilds the brief."""
    from qzlib import paths

    out = {}
    for name in paths.plan_names():
        ws = paths.workspace(name)
        if ws.is_default or Path(ws.processed).resolve() == Path(processed).resolve():
            continue
        try:
            out[name] = file_sha256(ws.plan_file)
        except InputError:   # a workspace without exactly one plan text: recorded as such
            out[name] = None
    return out


def brief_inputs(req, code: str | None = None) -> dict:
    """The inputs of one brief request (``code``: a ``code_hash()`` computed once per batch)."""
    try:
        version = metadata.version("qzlib")
    except metadata.PackageNotFoundError:
        version = "unknown"
    scenarios = {}
    for name in (req.scenario, *req.compare):
        f = _scenario_file(req.scenarios_dir, name)
        scenarios[name] = file_sha256(f) if f else None
    return {
        "request": {"year": req.year, "scenario": req.scenario, "lang": req.lang, "compare": list(req.compare)},
        "tables": _tables(Path(req.processed_dir)),
        "other_plans": _other_plans(Path(req.processed_dir)),
        "scenarios": scenarios,
        "notebook": file_sha256(Path(req.notebooks_dir) / BRIEF_NOTEBOOK),
        "qzlib": {"version": version, "code": code or code_hash()},
    }


def recorded(folder: Path, lang: str = "zh") -> dict | None:
    try:
        return json.loads((Path(folder) / i18n.file_name(INPUTS, lang)).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_up_to_date(req, inputs: dict) -> bool:
    """True when the published brief exists and was built from exactly these inputs."""
    dest = Path(req.destination)
    return (dest / i18n.file_name("brief.pdf", req.lang)).is_file() and recorded(dest, req.lang) == inputs


def write(stage: Path, inputs: dict, lang: str = "zh") -> None:
    from qzlib.atomic import atomic_file

    with atomic_file(Path(stage) / i18n.file_name(INPUTS, lang)) as fh:
        json.dump(inputs, fh, ensure_ascii=False, indent=1, sort_keys=True)
