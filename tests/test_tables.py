"""The one table writer (app/tables.py): cells, the CSV dialect, chunks, and the table's defaults."""
from __future__ import annotations

import csv
import io

from app.tables import CHUNK_ROWS, Column, Table, columns, csv_cell, csv_text, iter_csv, write_csv

TABLE = Table("people", (Column("name"), Column("years", lambda row: [row["born"], row["died"]], numeric=True),
                         Column("tags")), sorts=("name", "years"), filters={"kind": ("a", "b")}, page_size=20)


def test_cells_are_neutralised_unless_numbers():
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("Ana;=1+1") == "Ana;'=1+1" and csv_cell("Calle =") == "Calle ="
    assert csv_cell(-3) == "-3" and csv_cell(-2.5) == "-2.5" and csv_cell("-3") == "'-3"
    assert csv_cell([-63, None], numeric=True) == "-63;" and csv_cell([None, None], numeric=True) == ""
    assert csv_cell(["a", "@b"]) == "a;'@b" and csv_cell(("x", "y")) == "x;y" and csv_cell([]) == ""
    assert csv_cell(True) == "yes" and csv_cell(False) == "no" and csv_cell(None) == ""


def test_the_csv_is_quoted_crlf_with_a_bom_and_the_same_in_chunks():
    rows = [{"name": f"=n{i}", "born": -i, "died": None, "tags": ["x", "+y"]} for i in range(CHUNK_ROWS * 2 + 3)]
    chunks = list(iter_csv(TABLE, rows))
    assert len(chunks) == 3 and "".join(chunks) == csv_text(TABLE, rows)
    text = csv_text(TABLE, rows)
    assert text.startswith('\ufeff"name","years","tags"\r\n"\'=n0","0;","x;\'+y"\r\n')
    parsed = list(csv.reader(io.StringIO(text[1:])))
    assert parsed[2] == ["'=n1", "-1;", "x;'+y"] and len(parsed) == len(rows) + 1
    out = io.StringIO()
    write_csv(TABLE, rows[:1], out, bom=False)
    assert out.getvalue() == text[1:].split("\r\n", 2)[0] + "\r\n" + text[1:].split("\r\n", 2)[1] + "\r\n"


def test_json_records_keep_plain_values():
    assert TABLE.record({"name": "=x", "born": 1900, "died": None, "tags": ["a"]}) == \
        {"name": "=x", "years": [1900, None], "tags": ["a"]}
    assert columns("a", "b", numeric=["b"]) == (Column("a"), Column("b", numeric=True))


def test_unknown_sorts_filters_and_sizes_fall_back_to_the_defaults():
    assert TABLE.sort_or_default("years") == "years" and TABLE.sort_or_default("bogus") == "name"
    assert TABLE.sort_or_default(None) == "name"
    assert TABLE.filter_or_none("kind", "a") == "a" and TABLE.filter_or_none("kind", "c") == ""
    assert TABLE.filter_or_none("other", "a") == ""
    assert TABLE.page_size_or_default(None) == 20 and TABLE.page_size_or_default(0) == 20
    assert TABLE.page_size_or_default(5) == 5 and TABLE.page_size_or_default(10**9) == 1000
