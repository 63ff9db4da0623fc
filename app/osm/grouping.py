"""Which ways of one name belong to one street: shared nodes, a shared street relation, or nearness.

Ways of the same normalised name join when they share a node, belong to the same street
relation, or come within ``near_m`` of each other (vertex to vertex). Homonyms are usually far
apart, so the pieces' bounding boxes (grown by ``near_m``) are compared first, and only vertices of
pieces whose boxes meet are looked at, on a grid of cells at least ``near_m`` wide: the cost grows
with the number of vertices, not with its square.
"""
from __future__ import annotations

import math
from collections import defaultdict

from app.osm.elements import OsmWay
from app.osm.geometry import M_PER_DEGREE


class UnionFind:
    """Disjoint sets of way indexes; the smallest index is a set's root."""

    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if ra < rb:
            self.parent[rb] = ra
        else:
            self.parent[ra] = rb
        return True


def connect_ways(members: list[int], ways: list[OsmWay], uf: UnionFind, street_rels, near_m: float) -> None:
    # 1. Shared nodes and shared street relations: cheap and exact.
    owner: dict[tuple[str, int], int] = {}
    for i in members:
        w = ways[i]
        for rel in street_rels.get(w.id, ()):
            j = owner.setdefault(("r", rel.id), i)
            if j != i:
                uf.union(i, j)
        for n in w.node_ids or ():
            j = owner.setdefault(("n", n), i)
            if j != i:
                uf.union(i, j)
    roots = {uf.find(i) for i in members}
    if len(roots) == 1:
        return
    # 2. Proximity between the pieces left. Homonyms are usually far apart, so
    #    first compare the pieces' bounding boxes (grown by near_m) and only look
    #    at vertices of pieces whose boxes meet, on a grid of cells >= near_m wide.
    max_lat = min(89.0, max(abs(lat) for i in members for _, lat in ways[i].coords))
    cell_lat = near_m / M_PER_DEGREE
    cell_lon = near_m / (M_PER_DEGREE * math.cos(math.radians(max_lat)))
    boxes: dict[int, list[float]] = {}
    for i in members:
        lons = [p[0] for p in ways[i].coords]
        lats = [p[1] for p in ways[i].coords]
        box = boxes.setdefault(uf.find(i), [math.inf, math.inf, -math.inf, -math.inf])
        box[0], box[1] = min(box[0], min(lons)), min(box[1], min(lats))
        box[2], box[3] = max(box[2], max(lons)), max(box[3], max(lats))
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
    grid: dict[tuple[int, int], list[tuple[int, float, float]]] = defaultdict(list)
    near2 = near_m * near_m
    for i in members:
        if uf.find(i) not in close:
            continue
        for lon, lat in ways[i].coords:
            cx, cy = math.floor(lon / cell_lon), math.floor(lat / cell_lat)
            root_i = uf.find(i)
            coslat = math.cos(math.radians(lat))
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    for j, lon2, lat2 in grid.get((cx + dx, cy + dy), ()):
                        if uf.find(j) == root_i:
                            continue
                        ex = (lon2 - lon) * coslat * M_PER_DEGREE
                        ey = (lat2 - lat) * M_PER_DEGREE
                        if ex * ex + ey * ey <= near2:
                            uf.union(i, j)
                            root_i = uf.find(i)
            grid[(cx, cy)].append((i, lon, lat))
