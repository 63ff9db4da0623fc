"""Gap lists for volunteers: what is missing in Wikipedia, OpenStreetMap and Wikidata.

- ``tables``: each list declared as a table (published columns, sorts, filters, page size);
  HTML, JSON and CSV are rendered from it by the one table renderer (app/tables.py, the
  template macro ``_table.html``).
- ``query``: what a request asks (``GapQuery``) and the page it gets (``GapPage``).
- ``lists``: the SQL of each list (``gap_page``), on the store only.
- ``counts``: the size of every list for the tabs, memoised per revision (app/memo.py).

Links to Wikipedia, Wikidata, OSM, iD and JOSM come from app/links.py.
"""
from app.gaps.counts import gap_counts
from app.gaps.lists import gap_page
from app.gaps.query import GapPage, GapQuery
from app.gaps.tables import LISTS, NAME_ALONE_SOURCES, PAGE_SIZE, TABLES, TAG_GAP_SOURCES

__all__ = ["LISTS", "NAME_ALONE_SOURCES", "PAGE_SIZE", "TABLES", "TAG_GAP_SOURCES", "GapPage", "GapQuery",
           "gap_counts", "gap_page"]
