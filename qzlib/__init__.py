"""qzlib — the helper library behind 415X Monitor.

One module per concern; data flows ``data/raw`` → readers → ``data/processed`` →
models → notebooks → ``outputs/``:

- :mod:`qzlib.plan` reads the plan document (annex tables, target register, audit).
- :mod:`qzlib.stats` reads, validates and merges yearly statistics with provenance.
- :mod:`qzlib.forecast` fits trend models and judges progress to target.
- :mod:`qzlib.scenarios` computes what-if paths.
- :mod:`qzlib.report` runs notebooks and renders the annual brief.
"""

__version__ = "0.1.0"
