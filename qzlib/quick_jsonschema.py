"""jsonschema without its slow IRI grammars, for every module that needs it (or nbformat).

With rfc3987_syntax installed (Jupyter brings it), importing jsonschema builds some 40
grammar parsers for its "iri" format checks: one to four seconds at every `qz brief` and in
every brief kernel, since nbformat and papermill import jsonschema. No schema of this project
uses those formats. :func:`load` imports jsonschema with rfc3987_syntax hidden for that one
import, so only the "iri" checks are left out; rfc3987_syntax itself stays importable. Call it
before the first import of nbformat or jsonschema.
"""
from __future__ import annotations

import sys


def load():
    """jsonschema, imported (once per process) without its IRI format checks."""
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema
        return jsonschema
    sys.modules["rfc3987_syntax"] = None          # the import fails; jsonschema skips those checks
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema
