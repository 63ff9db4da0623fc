"""Which ways of one name belong to one street: shared nodes, a shared street relation, or nearness.

Ways of the same normalised name join when they share a node, belong to the same street
relation, or come within ``near_m`` of each other (vertex to vertex). Homonyms are usually far
apart, so the pieces' bounding boxes (grown by ``near_m``) are compared first, and only vertices of
pieces whose boxes meet are looked at, on a grid of cells at least ``near_m`` wide: the cost grows
with the number of vertices, not with its square.

Nearness is measured from the later vertex of a pair (the ways' order, then each way's own): its
latitude scales the difference of longitudes. Which pairs are measured at all only saves work (pairs
of one piece, pieces whose boxes do not meet, cells that do not touch), so the streets depend on
nothing but the ways: shared nodes and relations first, then vertices of different pieces, cell by
cell, looking only at cells where vertices of two pieces meet (a long street alone in its
neighbourhood costs one look per cell).
"""
from __future__ import annotations

import math

from app.osm.elements import OsmWay
from app.osm.geometry import M_PER_DEGREE, Box

#: A cell and its neighbours after it in the grid (the other four see it as after them): each pair of
#: touching cells is looked at once.
_FORWARD = ((0, 0), (1, -1), (1, 0), (1, 1), (0, 1))


def connect_ways(members: list[int], ways: list[OsmWay], street_rels, near_m: float,
                 boxes: list[Box | None] | None = None) -> list[list[int]]:
    """``members`` (indexes into ``ways``, of one name) split into streets: lists of indexes in members' order.

    ``street_rels``: way id -> the street relations the way belongs to; ``boxes``: each way's bounding
    box, when known already (``app.osm.geometry.way_measures``).
    """
    count = len(members)
    if count < 2:
        return [list(members)]
    # Union-find over positions in members; a set's root is its smallest position.
    parent = list(range(count))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra < rb:
            parent[rb] = ra
        elif rb < ra:
            parent[ra] = rb

    # 1. Shared street relations and shared nodes: cheap and exact.
    rel_owner: dict[int, int] = {}
    node_owner: dict[int, int] = {}
    for pos, i in enumerate(members):
        way = ways[i]
        rels = street_rels.get(way.id)
        if rels:
            for rel in rels:
                other = rel_owner.setdefault(rel.id, pos)
                if other != pos:
                    union(pos, other)
        for node in way.node_ids or ():
            other = node_owner.setdefault(node, pos)
            if other != pos:
                union(pos, other)
    roots = [find(pos) for pos in range(count)]
    if roots.count(0) == count:  # one piece already
        return [list(members)]
    _join_near(members, ways, roots, union, find, near_m, boxes)
    streets: dict[int, list[int]] = {}
    for pos, i in enumerate(members):
        streets.setdefault(find(pos), []).append(i)
    return list(streets.values())


def _join_near(members, ways, roots: list[int], union, find, near_m: float, way_boxes) -> None:
    """2. Proximity between the pieces step 1 left (``roots``: each position's piece)."""
    coords_of = [ways[i].coords for i in members]
    boxes: dict[int, list[float]] = {}
    max_lat = 0.0
    for pos, coords in enumerate(coords_of):
        if not coords:
            continue
        if way_boxes is None:
            lons, lats = zip(*coords)
            x0, y0, x1, y1 = min(lons), min(lats), max(lons), max(lats)
        else:
            x0, y0, x1, y1 = way_boxes[members[pos]]
        max_lat = max(max_lat, y1, -y0)
        box = boxes.get(roots[pos])
        if box is None:
            boxes[roots[pos]] = [x0, y0, x1, y1]
        else:
            box[0], box[1], box[2], box[3] = min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)
    cell_lat = near_m / M_PER_DEGREE
    cell_lon = near_m / (M_PER_DEGREE * math.cos(math.radians(min(89.0, max_lat))))
    # Compare the pieces' bounding boxes (grown by a cell) first: homonyms are usually far apart.
    items = list(boxes.items())
    close: set[int] = set()
    for a in range(len(items)):
        ra, (x0, y0, x1, y1) = items[a]
        for b in range(a + 1, len(items)):
            rb, (u0, v0, u1, v1) = items[b]
            if u0 <= x1 + cell_lon and x0 <= u1 + cell_lon and v0 <= y1 + cell_lat and y0 <= v1 + cell_lat:
                close.update((ra, rb))
    if not close:
        return
    # The cell of each vertex, and which ways of which piece each cell holds.
    floor = math.floor
    keys_of: dict[int, list[tuple[int, int]]] = {}
    cell_ways: dict[tuple[int, int], dict[int, list[int]]] = {}
    for pos, coords in enumerate(coords_of):
        piece = roots[pos]
        if piece not in close:
            continue
        keys = keys_of[pos] = [(floor(lon / cell_lon), floor(lat / cell_lat)) for lon, lat in coords]
        for key in set(keys):
            held = cell_ways.get(key)
            if held is None:
                cell_ways[key] = {piece: [pos]}
            else:
                held.setdefault(piece, []).append(pos)
    starts = [0] * len(coords_of)  # each way's first vertex in the order measured
    for pos in range(1, len(coords_of)):
        starts[pos] = starts[pos - 1] + len(coords_of[pos - 1])
    found: dict[tuple[tuple[int, int], int], list[tuple[int, float, float]]] = {}

    def vertices(cell: tuple[int, int], piece: int) -> list[tuple[int, float, float]]:
        """(order, lon, lat) of a piece's vertices in a cell, listed the first time they are asked for."""
        listed = found.get((cell, piece))
        if listed is None:
            listed = found[(cell, piece)] = [
                (starts[pos] + n, *coords_of[pos][n])
                for pos in cell_ways[cell][piece] for n, key in enumerate(keys_of[pos]) if key == cell
            ]
        return listed

    # Touching cells where two pieces not yet joined meet: only their vertices are measured.
    near2 = near_m * near_m
    for a, here in cell_ways.items():
        cx, cy = a
        for dx, dy in _FORWARD:
            b = (cx + dx, cy + dy)
            there = here if b == a else cell_ways.get(b)
            if there is None or (len(here) == 1 and len(there) == 1 and here.keys() == there.keys()):
                continue
            for pa in here:
                for pb in there:
                    # Within one cell each pair of pieces once.
                    if (pb <= pa if b == a else pb == pa) or find(pa) == find(pb):
                        continue
                    if _any_near(vertices(a, pa), vertices(b, pb), near2):
                        union(pa, pb)


def _any_near(va, vb, near2: float) -> bool:
    """Whether a vertex of ``va`` is within sqrt(near2) m of one of ``vb``, measured from the later one."""
    cos, radians = math.cos, math.radians
    for oa, lona, lata in va:
        for ob, lonb, latb in vb:
            if oa < ob:
                ex = (lona - lonb) * cos(radians(latb)) * M_PER_DEGREE
                ey = (lata - latb) * M_PER_DEGREE
            else:
                ex = (lonb - lona) * cos(radians(lata)) * M_PER_DEGREE
                ey = (latb - lata) * M_PER_DEGREE
            if ex * ex + ey * ey <= near2:
                return True
    return False
