"""Declared tables: what a published table's columns are, and the one way each is written as CSV or JSON.

Every table the service publishes (each gap list, the per-street download, the ``classify`` output,
the Changes rows, a region's municipalities) is a ``Table``: its columns under their published
names, the sorts and filters it accepts and its page size. A table's rows are plain dicts; the
same record (``Table.record``) becomes a CSV row here (``iter_csv``, ``csv_text``, ``write_csv``)
and a JSON row (``Table.records``), and the web layer draws the same rows as HTML with one shared
template macro (``templates/_table.html``). So HTML, JSON and CSV of a table always agree.

CSV: UTF-8 with a byte-order mark (so spreadsheet programs read the accents), every cell quoted
(no locale can split one), CRLF. Text from OpenStreetMap, Wikidata or a user's file is untrusted:
a cell a spreadsheet would run as a formula is neutralised (``neutralise``); numbers we produce
ourselves are left as numbers. JSON keeps the plain values (lists stay arrays, numbers numbers).

Imports nothing of the app: every layer may use it.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, TextIO

#: Cells starting with one of these are run as formulas by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The byte-order mark that makes Excel read a CSV as UTF-8.
BOM = "\ufeff"
#: Rows written between two chunks of a streamed CSV.
CHUNK_ROWS = 500


@dataclass(frozen=True)
class Column:
    """One published column: its name (CSV header and JSON key) and how a row gives its value."""

    key: str
    #: The cell's value from a row (default: ``row[key]``); lists are fine (";"-joined in the CSV).
    get: Callable[[dict], Any] | None = None
    #: A number we produce ourselves (or ";"-joined numbers): never treated as a formula.
    numeric: bool = False

    def value(self, row: dict) -> Any:
        return self.get(row) if self.get is not None else row[self.key]


@dataclass(frozen=True)
class Table:
    """A declared table: published columns, accepted sorts (the first is the default, each in its natural
    direction unless asked otherwise) and filters.

    ``filters`` maps a filter's name to the values it accepts; anything else means no filter.
    """

    name: str
    columns: tuple[Column, ...]
    sorts: tuple[str, ...] = ()
    #: The sorts whose natural order is largest first (counts, lengths); the others go A to Z.
    descending: frozenset[str] = frozenset()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    page_size: int = 50
    max_page_size: int = 1000

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]

    def record(self, row: dict) -> dict:
        """The row under the published column names, plain values (what JSON gives)."""
        return {column.key: column.value(row) for column in self.columns}

    def records(self, rows: Iterable[dict]) -> list[dict]:
        return [self.record(row) for row in rows]

    def csv_row(self, row: dict) -> list[str]:
        return [csv_cell(column.value(row), numeric=column.numeric) for column in self.columns]

    def sort_or_default(self, sort: str | None) -> str:
        return sort if sort in self.sorts else (self.sorts[0] if self.sorts else "")

    def filter_or_none(self, name: str, value: str | None) -> str:
        return value if value in self.filters.get(name, ()) else ""

    def page_size_or_default(self, size: int | None) -> int:
        return max(1, min(size, self.max_page_size)) if size else self.page_size


def columns(*keys: str, numeric: Iterable[str] = ()) -> tuple[Column, ...]:
    """Plain columns read from the row under their own names."""
    numeric = set(numeric)
    return tuple(Column(key, numeric=key in numeric) for key in keys)


def neutralise(value: str) -> str:
    """Prefix an apostrophe to text a spreadsheet would otherwise run as a formula.

    Every ";"-separated part is checked too: spreadsheets in Spanish, Portuguese or
    French locales may split a cell on ";" and run "Ana;=1+1" from its second part.
    """
    parts = value.split(";")
    if not any(part.startswith(FORMULA_STARTS) for part in parts):
        return value
    return ";".join("'" + part if part.startswith(FORMULA_STARTS) else part for part in parts)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def csv_cell(value, *, numeric: bool = False) -> str:
    """The text of one CSV cell: yes/no for booleans, lists joined with ";", nothing for None,
    and formulas neutralised unless the column (or the value itself) is a number."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, (list, tuple)):
        parts = ["" if v is None else str(v) for v in value]
        # A list of nothing but blanks is a blank cell, not ";;".
        text = ";".join(parts) if any(parts) else ""
    elif value is None:
        text = ""
    else:
        text = str(value)
    return text if numeric or _is_number(value) else neutralise(text)


def csv_writer(stream: TextIO):
    """The one CSV dialect of every download: all cells quoted, CRLF."""
    return csv.writer(stream, lineterminator="\r\n", quoting=csv.QUOTE_ALL)


def iter_csv(table: Table, rows: Iterable[dict], *, bom: bool = True) -> Iterator[str]:
    """The table as CSV text, in chunks of ``CHUNK_ROWS`` rows (a big table never sits in memory)."""
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    if bom:
        buffer.write(BOM)
    writer.writerow(table.keys)
    for i, row in enumerate(rows, 1):
        writer.writerow(table.csv_row(row))
        if i % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(table: Table, rows: Iterable[dict], *, bom: bool = True) -> str:
    return "".join(iter_csv(table, rows, bom=bom))


def write_csv(table: Table, rows: Iterable[dict], stream: TextIO, *, bom: bool = True) -> None:
    """Write the table to a text stream (open files with newline="" to keep the CRLF)."""
    for chunk in iter_csv(table, rows, bom=bom):
        stream.write(chunk)


__all__ = ["BOM", "Column", "FORMULA_STARTS", "Table", "columns", "csv_cell", "csv_text", "csv_writer",
           "iter_csv", "neutralise", "write_csv"]
