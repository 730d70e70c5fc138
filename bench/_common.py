"""What every forecast bench script shares: its --data/--workers options, reading the
long-format file (a bad file is reported and the script exits 2), and its progress bars."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def parser(doc: str) -> argparse.ArgumentParser:
    """A parser with --data and --workers; the description is the docstring's first paragraph."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--data", required=True, type=Path, help="long-format CSV (series,category,t,year,split,value)")
    ap.add_argument("--workers", type=int, default=2, help="processes (at most 2)")
    return ap


def read(path: Path):
    """The checked bench file, or None after printing why it was refused."""
    from qzlib.errors import InputError
    import harness

    try:
        return harness.read_long(path)
    except InputError as err:
        print(err, file=sys.stderr)
        return None


def workers(n: int) -> int:
    """This machine has two cores: 1 or 2 processes."""
    return max(1, min(n, 2))


def bar(desc: str | None = None):
    """A progress-bar function for ``harness``'s ``progress`` argument (on stderr)."""
    from tqdm import tqdm

    return lambda it, total=None: tqdm(it, total=total, file=sys.stderr, desc=desc, leave=False)
