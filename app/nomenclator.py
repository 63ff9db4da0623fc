"""Classify a city's list of street names (a nomenclator) from a CSV file.

The CLI command ``whose-streets classify NAMES.csv --language es [--country ES]
[--offline] [-o OUT.csv]`` only wires its options to ``classify_csv``.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Callable, TextIO

from app.classify import build_evidence_from_reading, decide
from app.domain import Decision, Evidence, Namesake
from app.names import names_to_look_up, read_street_name
from app.tables import Table, columns, write_csv

NamesakeLookup = Callable[
    [list[str], list[str], "str | None"], dict[str, tuple[list[Evidence], dict[str, Namesake]]]
]


def _evidence_text(decision: Decision) -> str:
    return " | ".join(f"{ev.source}: {ev.detail}" for ev in decision.evidence if ev.detail)


def classify_name_list(
    names: list[str],
    languages: list[str],
    country: str | None,
    namesake_lookup: NamesakeLookup | None = None,
) -> list[dict]:
    """Classify bare street names (a city's nomenclator) without a map.

    Rows keep the input order: name, person, category, source, confidence,
    wikidata_id (QIDs joined with ';', empty offline), plus mix and evidence
    (a readable summary of why).
    """
    readings = [read_street_name(n, languages) for n in names]
    looked_up: dict[str, tuple[list[Evidence], dict[str, Namesake]]] = {}
    if namesake_lookup is not None:
        wanted = sorted({name for r in readings for name in names_to_look_up(r)})
        if wanted:
            looked_up = namesake_lookup(wanted, languages, country) or {}
    rows = []
    for name, reading in zip(names, readings):
        evidence, namesakes = [], {}
        for candidate in names_to_look_up(reading):  # the first name that Wikidata knows
            if candidate in looked_up and looked_up[candidate][0]:
                evidence, namesakes = looked_up[candidate]
                break
        decision = decide(
            name, reading, list(evidence) + build_evidence_from_reading(reading, country), dict(namesakes)
        )
        rows.append(
            {
                "name": name,
                "person": reading.name_part or "",
                "category": decision.category,
                "source": decision.source or "",
                "confidence": decision.confidence,
                "wikidata_id": ";".join(decision.qids),
                "mix": decision.mix or "",
                "evidence": _evidence_text(decision),
            }
        )
    return rows


OUTPUT_COLUMNS = ["name", "person", "category", "source", "confidence", "wikidata_id", "mix", "evidence"]
#: The classify command's output as a declared table. Street names come from the user's file or from
#: Wikidata: the one CSV writer never lets a spreadsheet run them.
CLASSIFIED = Table("classified", columns(*OUTPUT_COLUMNS))


_HEADER_WORDS = {
    "name", "names", "street", "street_name", "streetname", "nombre", "nombres", "calle", "calles",
    "nom", "nom_carrer", "carrer", "nome", "rua", "logradouro", "via", "voie", "rue", "naam",
    "straat", "straatnaam", "strasse", "straße", "strassenname", "denominacion", "denominación",
    "nombre_calle", "nom_voie", "libelle", "libellé",
}


def read_names(path: str | Path, column: str | None = None) -> list[str]:
    """Street names from a CSV: the first column, or the one called ``column``.

    The delimiter is sniffed (comma, semicolon, tab); a UTF-8 BOM is skipped.
    A header row is recognised when ``column`` names it or the sniffer finds one;
    a one-column file without a header is read as plain names.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    if not text.strip():
        return []
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    index = 0
    start = 0
    if column is not None:
        header = [cell.strip() for cell in rows[0]]
        lowered = [cell.casefold() for cell in header]
        if column.casefold() not in lowered:
            raise ValueError(f"column {column!r} not found; columns are: {', '.join(header)}")
        index = lowered.index(column.casefold())
        start = 1
    else:
        try:
            has_header = csv.Sniffer().has_header(sample) and len(rows) > 1
        except csv.Error:
            has_header = False
        # The sniffer misses headers over text-only columns: a usual column name
        # is a header too ("nombre;barrio", "name,district").
        has_header = has_header or rows[0][0].strip().casefold() in _HEADER_WORDS
        start = 1 if has_header else 0
    names = []
    for row in rows[start:]:
        if index < len(row) and row[index].strip():
            names.append(row[index].strip())
    return names


def write_rows(rows: list[dict], out: str | Path | TextIO | None = None) -> None:
    """Write classification rows as CSV to ``out``: an open text stream, a path, or
    standard output when None or "-"."""
    if out is None or (isinstance(out, (str, Path)) and str(out) == "-"):
        _write(rows, sys.stdout)
    elif isinstance(out, (str, Path)):
        with Path(out).open("w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
            _write(rows, fh)
    else:
        _write(rows, out)


def _write(rows: list[dict], fh) -> None:
    # No byte-order mark from the writer: a file is opened as utf-8-sig, which writes its own.
    write_csv(CLASSIFIED, rows, fh, bom=False)


def classify_csv(
    path: str | Path,
    out: str | Path | TextIO | None,
    languages: list[str],
    country: str | None = None,
    *,
    column: str | None = None,
    namesake_lookup: NamesakeLookup | None = None,
) -> list[dict]:
    """Read names from ``path``, classify them, write the CSV to ``out``; returns the rows.

    ``out`` is an open text stream (the CLI passes one), a path, or None for
    standard output. Pass ``namesake_lookup=None`` for an offline run (titles,
    first names and rules only). Raises ValueError for an unknown ``column``.
    """
    names = read_names(path, column)
    rows = classify_name_list(names, languages, country, namesake_lookup=namesake_lookup)
    write_rows(rows, out)
    return rows
