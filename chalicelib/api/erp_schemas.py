"""Writes the JSON Schema of every ERP message type to ``events/schemas/erp/`` and of every exported
event to ``events/schemas/erp-export/`` (``make erp-schemas``), from the same models the ingest and the
worker validate with and the export sends; unit tests check them for drift."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chalicelib.domain import erp, erp_export

SCHEMAS: dict[str, Callable[[], dict[str, dict[str, Any]]]] = {
    "events/schemas/erp": erp.schema_documents,
    "events/schemas/erp-export": erp_export.schema_documents,
}


def write_schemas(folder: Path, documents: dict[str, dict[str, Any]]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in documents.items():
        path = folder / name
        path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written


if __name__ == "__main__":
    for folder, documents in SCHEMAS.items():
        write_schemas(Path(folder), documents())
