"""SHA-256 of files: the one helper for manifests, brief inputs, imports and the appendix."""
from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in chunks (``hashlib.file_digest``).

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as fh:
    ...     _ = fh.write(b"415X")
    >>> file_sha256(fh.name)[:12]
    '36a636adf47f'
    >>> os.unlink(fh.name)
    """
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
