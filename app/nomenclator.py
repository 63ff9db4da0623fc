"""Classify a city's list of street names (a nomenclator) from a CSV file.

The CLI command ``whose-streets classify NAMES.csv --language es [--country ES]
[--offline] [-o OUT.csv]`` only wires its options to ``classify_csv``.
"""
from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import TextIO

from app.classify import EntityLookup, classify_name_list
from app.exports import neutralise

OUTPUT_COLUMNS = ["name", "person", "category", "source", "confidence", "wikidata_id", "mix", "evidence"]


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
    writer = csv.DictWriter(fh, fieldnames=OUTPUT_COLUMNS, extrasaction="ignore", quoting=csv.QUOTE_ALL,
                            lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        # Street names come from the user's file or from Wikidata: never let a spreadsheet run them.
        writer.writerow({key: neutralise(str(value)) for key, value in row.items()})


def classify_csv(
    path: str | Path,
    out: str | Path | TextIO | None,
    languages: list[str],
    country: str | None = None,
    *,
    column: str | None = None,
    entity_lookup: EntityLookup | None = None,
) -> list[dict]:
    """Read names from ``path``, classify them, write the CSV to ``out``; returns the rows.

    ``out`` is an open text stream (the CLI passes one), a path, or None for
    standard output. Pass ``entity_lookup=None`` for an offline run (titles,
    first names and rules only). Raises ValueError for an unknown ``column``.
    """
    names = read_names(path, column)
    rows = classify_name_list(names, languages, country, entity_lookup=entity_lookup)
    write_rows(rows, out)
    return rows
