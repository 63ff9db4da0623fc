"""The size of every gap list, for the page's tabs, kept until the area's next run or review."""
from __future__ import annotations

from app.gaps.lists import gap_page
from app.gaps.query import GapQuery
from app.gaps.tables import LISTS
from app.memo import Memo
from app.store import Store
from app.store.records import AnalysedArea

#: Counts per (database, area, revision): they only change with a new run or a review, and
#: counting all the lists costs more than showing one page.
_COUNTS = Memo(256)


def gap_counts(store: Store, area: AnalysedArea) -> dict[str, int]:
    return _COUNTS.get((store.url, area.id, area.revision), lambda: {
        name: gap_page(store, area, GapQuery(list=name, page_size=1)).total for name in LISTS})
