"""What changed in a city between two analyses, and its progress over time.

Each run keeps a snapshot of every street (``street_snapshots``: category, source, whether OSM
carries ``name:etymology:wikidata``, and each namesake's label, gender and whether they have an
article in the city's language), written when the run is saved. The current run is read from its
live street rows instead, so reviews saved since the analysis count too. Comparing two runs
gives the rows of a city's Changes page, its JSON and CSV, the presenter's "since the start of
the event" figures and the summary `whose-streets analyze` prints.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import func, select

from app.domain import UNKNOWN, WOMAN
from app.memo import Memo
from app.store import Store
from app.store.models import AreaRow, NamesakeRow, ReviewRow, RunRow
from app.store.models import StreetNamesakeRow, StreetRow, StreetSnapshotRow, utcnow
from app.store.records import chunked, is_tagged, namesake_facts
from app.tables import Column, Table, columns

#: The kinds of change, in the order the pages list them.
NEWLY_TAGGED = "newly_tagged"
NEWLY_RESOLVED = "newly_resolved"
CATEGORY_CHANGED = "category_changed"
NEW_STREET = "new_street"
VANISHED_STREET = "vanished_street"
NEW_ARTICLE = "new_article"
#: Not a change between the two runs but the latest run's state: reviews that fresh data now contradicts.
REVIEW_CONTRADICTED = "review_contradicted"
CHANGE_KINDS = (NEWLY_TAGGED, NEWLY_RESOLVED, CATEGORY_CHANGED, NEW_STREET, VANISHED_STREET, NEW_ARTICLE,
                REVIEW_CONTRADICTED)

#: Why a street's classification changed (codes; the pages say them in words).
WHY_REVIEW = "review"
WHY_TAGGED = "osm_tag_added"
WHY_TAG_REMOVED = "osm_tag_removed"
WHY_SOURCE = "other_evidence"
WHY_WIKIDATA = "wikidata_facts"

#: The published columns of the changes CSV (and the keys of each JSON row).
COLUMNS = ("change", "street_id", "street_name", "category_before", "category_after", "source_before",
           "source_after", "why", "wikidata_ids", "persons")

#: The changes as a declared table (the CSV: the city's slug first, then the columns above).
CHANGES = Table("changes", (Column("city"), *columns(*COLUMNS)))

#: The event since which an edit-a-thon counts (``since=event``).
SINCE_EVENT = "event"


@dataclass
class StreetFacts:
    key: str
    name: str
    category: str
    source: str | None
    tagged: bool
    namesakes: list[dict] = field(default_factory=list)
    #: What OSM or Wikidata now say against the street's review (live rows only).
    conflict: str | None = None


@dataclass
class RunSummary:
    id: int
    finished_at: datetime | None
    women_share: float | None
    unresolved: int | None
    streets: int | None

    @classmethod
    def of(cls, run: RunRow) -> RunSummary:
        stats = run.stats or {}
        return cls(run.id, run.finished_at, stats.get("women_share"),
                   (stats.get("by_street") or {}).get(UNKNOWN), stats.get("streets"))

    def as_json(self) -> dict:
        return {"run": self.id, "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
                "women_share": self.women_share, "unresolved": self.unresolved, "streets": self.streets}


@dataclass
class Change:
    change: str
    street_id: str
    street_name: str
    category_before: str = ""
    category_after: str = ""
    source_before: str = ""
    source_after: str = ""
    why: str = ""
    wikidata_ids: list[str] = field(default_factory=list)
    persons: list[str] = field(default_factory=list)

    def as_row(self) -> dict:
        return {column: getattr(self, column) for column in COLUMNS}


@dataclass
class Changes:
    before: RunSummary
    after: RunSummary
    rows: list[Change]

    def of(self, kind: str) -> list[Change]:
        return [row for row in self.rows if row.change == kind]

    @property
    def counts(self) -> dict[str, int]:
        return {kind: len(self.of(kind)) for kind in CHANGE_KINDS}

    def as_json(self) -> dict:
        return {"before": self.before.as_json(), "after": self.after.as_json(), "counts": self.counts,
                "changes": [row.as_row() for row in self.rows]}

    def records(self, city: str) -> list[dict]:
        """The rows of the changes table (``CHANGES``): one per change, ``city`` (the slug) first."""
        return [{"city": city, **row.as_row()} for row in self.rows]


class NoComparison(LookupError):
    """The city has no earlier run to compare with (or the one asked for is unknown); ``code`` says which."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def _snapshot(session, run_id: int) -> dict[str, StreetFacts]:
    s = StreetSnapshotRow
    return {
        key: StreetFacts(key, name, category, source, bool(tagged), list(namesakes or []))
        for key, name, category, source, tagged, namesakes in session.execute(
            select(s.key, s.name, s.category, s.source, s.tagged, s.namesakes).where(s.run_id == run_id))
    }


def _live(session, run_id: int, language: str | None) -> dict[str, StreetFacts]:
    """The current run as its street rows say now (reviews saved since the analysis included).

    Plain column queries rather than ORM objects: a big city has tens of thousands of streets.
    """
    qids_of: dict[int, list[str]] = {}
    for street_id, qid in session.execute(
        select(StreetNamesakeRow.street_id, StreetNamesakeRow.qid)
        .join(StreetRow, StreetRow.id == StreetNamesakeRow.street_id)
        .where(StreetRow.run_id == run_id).order_by(StreetNamesakeRow.street_id, StreetNamesakeRow.position)
    ):
        qids_of.setdefault(street_id, []).append(qid)
    wanted = sorted({q for qids in qids_of.values() for q in qids})
    namesakes: dict[str, SimpleNamespace] = {}
    for chunk in chunked(wanted):
        for qid, labels, gender, articles in session.execute(
            select(NamesakeRow.qid, NamesakeRow.labels, NamesakeRow.gender, NamesakeRow.articles)
            .where(NamesakeRow.qid.in_(chunk))
        ):
            namesakes[qid] = SimpleNamespace(qid=qid, labels=labels, gender=gender, articles=articles)
    facts: dict[str, StreetFacts] = {}
    for street_id, key, name, category, source, tags, conflict in session.execute(
        select(StreetRow.id, StreetRow.key, StreetRow.name, StreetRow.category, StreetRow.source, StreetRow.tags,
               StreetRow.review_conflict).where(StreetRow.run_id == run_id)
    ):
        people = [namesakes[q] for q in qids_of.get(street_id, []) if q in namesakes]
        facts[key] = StreetFacts(key, name, category, source, is_tagged(tags), namesake_facts(people, language),
                                 conflict)
    return facts


def compare(before: dict[str, StreetFacts], after: dict[str, StreetFacts]) -> list[Change]:
    """The changes from one run's streets to another's."""
    rows: list[Change] = []
    for key, now in after.items():
        then = before.get(key)
        ids = [n["qid"] for n in now.namesakes]
        persons = [n["label"] for n in now.namesakes]
        if now.conflict:
            rows.append(Change(REVIEW_CONTRADICTED, key, now.name, category_after=now.category,
                               source_after=now.source or "", why=now.conflict, wikidata_ids=ids, persons=persons))
        if then is None:
            rows.append(Change(NEW_STREET, key, now.name, "", now.category, "", now.source or "", "", ids, persons))
            continue
        common = dict(category_before=then.category, category_after=now.category,
                      source_before=then.source or "", source_after=now.source or "", wikidata_ids=ids,
                      persons=persons)
        if now.tagged and not then.tagged:
            rows.append(Change(NEWLY_TAGGED, key, now.name, why=WHY_TAGGED, **common))
        if then.category == UNKNOWN and now.category != UNKNOWN:
            rows.append(Change(NEWLY_RESOLVED, key, now.name, why=why_changed(then, now), **common))
        elif then.category != now.category:
            rows.append(Change(CATEGORY_CHANGED, key, now.name, why=why_changed(then, now), **common))
    for key, then in before.items():
        if key not in after:
            rows.append(Change(VANISHED_STREET, key, then.name, then.category, "", then.source or "", "", "",
                               [n["qid"] for n in then.namesakes], [n["label"] for n in then.namesakes]))
    rows.extend(new_articles(before, after))
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    rows.sort(key=lambda r: (order[r.change], r.street_name.casefold(), r.street_id))
    return rows


def why_changed(then: StreetFacts, now: StreetFacts) -> str:
    if now.source == "review" and then.source != "review":
        return WHY_REVIEW
    if now.tagged and not then.tagged:
        return WHY_TAGGED
    if then.tagged and not now.tagged:
        return WHY_TAG_REMOVED
    if now.source != then.source:
        return WHY_SOURCE
    return WHY_WIKIDATA


def new_articles(before: dict[str, StreetFacts], after: dict[str, StreetFacts]) -> list[Change]:
    """Women honoured by a street who had no article in the city's language before and have one now."""
    had_none = {n["qid"] for s in before.values() for n in s.namesakes if not n.get("article")}
    rows: dict[str, Change] = {}
    for street in after.values():
        for n in street.namesakes:
            qid = n["qid"]
            if n.get("gender") == WOMAN and n.get("article") and qid in had_none and qid not in rows:
                rows[qid] = Change(NEW_ARTICLE, street.key, street.name, street.category, street.category,
                                   street.source or "", street.source or "", "article_written", [qid], [n["label"]])
    return list(rows.values())


def earlier_runs(store: Store, area_id: int) -> list[RunSummary]:
    """The area's finished runs before the current one that can be compared with, newest first."""
    with store.session() as session:
        area = session.get(AreaRow, area_id)
        with_snapshot = select(StreetSnapshotRow.run_id).distinct()
        runs = session.scalars(
            select(RunRow).where(RunRow.area_id == area_id, RunRow.finished_at.is_not(None),
                                 RunRow.id != area.current_run_id, RunRow.id.in_(with_snapshot))
            .order_by(RunRow.id.desc())
        ).all()
        return [RunSummary.of(run) for run in runs]


def history(store: Store, area_id: int) -> list[RunSummary]:
    """Every finished run of the area, oldest first: the city's progress over time."""
    with store.session() as session:
        runs = session.scalars(select(RunRow).where(RunRow.area_id == area_id, RunRow.finished_at.is_not(None))
                               .order_by(RunRow.id)).all()
        return [RunSummary.of(run) for run in runs]


def changes_since(store: Store, area_id: int, since: int | str | None = None) -> Changes:
    """Changes from an earlier run (its id, SINCE_EVENT, or None: the previous run) to the current one."""
    with store.session() as session:
        area = session.get(AreaRow, area_id)
        if area is None or area.current_run_id is None:
            raise NoComparison("not_analysed", "this city has not been analysed")
        if since == SINCE_EVENT:
            if area.event_run_id is None:
                raise NoComparison("no_event", "no event has been started for this city")
            before_id = area.event_run_id
        elif since is None:
            before_id = session.scalar(
                select(RunRow.id).where(RunRow.area_id == area_id, RunRow.id < area.current_run_id,
                                        RunRow.finished_at.is_not(None)).order_by(RunRow.id.desc()).limit(1))
        else:
            before_id = int(since)
        before_run = session.get(RunRow, before_id) if before_id is not None else None
        if before_run is None or before_run.area_id != area_id:
            raise NoComparison("no_earlier_run", "there is no earlier analysis of this city to compare with")
        language = (area.languages or [None])[0]
        after_run = session.get(RunRow, area.current_run_id)
        # Reviews change the current run in place: the latest review id is part of what the result depends on.
        revision = session.scalar(select(func.max(ReviewRow.id)).where(ReviewRow.area_id == area_id)) or 0
        memo_key = (store.url, area_id, before_run.id, after_run.id, revision)

        def build() -> Changes:
            # The event's run may be the current one: its snapshot against its live rows shows the reviews since.
            before = _snapshot(session, before_run.id)
            if not before:
                raise NoComparison("no_snapshot",
                                   "that analysis was made before runs kept their streets: it cannot be compared")
            after = _live(session, after_run.id, language)
            return Changes(RunSummary.of(before_run), RunSummary.of(after_run), compare(before, after))

        return _MEMO.get(memo_key, build)


#: Comparisons already made, by (database, area, run before, run after, latest review): presenter mode
#: and the Changes page ask for the same one again and again, and a big city takes seconds to compare.
_MEMO = Memo(32)


def summary_lines(changes: Changes, limit: int = 20) -> list[str]:
    """The changes in plain English lines, for the command line."""
    def share(value):
        return "–" if value is None else f"{value * 100:.1f} %"

    b, a = changes.before, changes.after
    lines = [
        f"Changes since the analysis of {b.finished_at:%Y-%m-%d %H:%M} (run {b.id}):" if b.finished_at
        else f"Changes since run {b.id}:",
        f"  share of person-named streets honouring women: {share(b.women_share)} -> {share(a.women_share)}",
        f"  unresolved streets: {b.unresolved if b.unresolved is not None else '–'} -> "
        f"{a.unresolved if a.unresolved is not None else '–'}",
    ]
    lines.append("  " + ", ".join(f"{kind.replace('_', ' ')}: {n}" for kind, n in changes.counts.items()))
    for row in changes.rows[:limit]:
        detail = f"{row.category_before or '-'} -> {row.category_after or '-'}"
        if row.change == NEW_ARTICLE:
            detail = ", ".join(row.persons)
        lines.append(f"  {row.change.replace('_', ' ')}: {row.street_name} ({detail})"
                     + (f" [{row.why.replace('_', ' ')}]" if row.why and row.change != NEW_ARTICLE else ""))
    if len(changes.rows) > limit:
        lines.append(f"  … and {len(changes.rows) - limit} more (see the city's Changes page)")
    return lines


def start_event(store: Store, area_id: int) -> None:
    """Mark the start of an edit-a-thon: changes "since the event" count from the current run."""
    with store.session() as session:
        area = session.get(AreaRow, area_id)
        area.event_run_id, area.event_started_at = area.current_run_id, utcnow()


def end_event(store: Store, area_id: int) -> None:
    with store.session() as session:
        area = session.get(AreaRow, area_id)
        area.event_run_id, area.event_started_at = None, None


def event_changes(store: Store, area_id: int) -> Changes | None:
    """The changes since the start of the area's event, None when no event is on."""
    try:
        return changes_since(store, area_id, SINCE_EVENT)
    except NoComparison:
        return None
