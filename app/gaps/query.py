"""What one request asks of a gap list (list, sort, direction, text, filter, page) and the page it gets."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.gaps.tables import LISTS, PAGE_SIZE, TABLES
from app.tables import Table

#: The longest text filter kept (longer text is cut, never refused).
MAX_TEXT = 100


@dataclass
class GapQuery:
    list: str = LISTS[0]
    sort: str = ""
    descending: bool | None = None  # None: the sort's natural direction
    text: str = ""
    source: str = ""
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def table(self) -> Table:
        return TABLES[self.list if self.list in TABLES else LISTS[0]]

    @property
    def is_descending(self) -> bool:
        """The order asked for, else the sort's natural one (the table's ``descending`` sorts: biggest first)."""
        return self.sort in self.table.descending if self.descending is None else self.descending

    def normalised(self) -> "GapQuery":
        """The same query with every unknown value replaced by the default: never an error."""
        table = self.table
        return GapQuery(table.name, table.sort_or_default(self.sort), self.descending,
                        (self.text or "").strip()[:MAX_TEXT], table.filter_or_none("source", self.source),
                        max(1, int(self.page or 1)), table.page_size_or_default(int(self.page_size or 0)))


@dataclass
class GapPage:
    query: GapQuery
    total: int
    rows: list[dict] = field(default_factory=list)
    language: str = "en"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))

    @property
    def table(self) -> Table:
        return self.query.table

    def records(self) -> list[dict]:
        """The rows under the published column names (the JSON rows, the CSV's cells)."""
        return self.table.records(self.rows)
