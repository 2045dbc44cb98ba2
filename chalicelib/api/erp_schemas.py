"""Writes the JSON Schema of every ERP message type to ``events/schemas/erp/`` (``make erp-schemas``),
from the same models the ingest and the worker validate with; a unit test checks them for drift."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from chalicelib.domain.erp import schema_documents


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in schema_documents().items():
        path = folder / name
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":
    write_schemas(Path(sys.argv[1] if len(sys.argv) > 1 else "events/schemas/erp"))
