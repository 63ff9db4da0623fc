"""Which ways of one name connect (app.osm.grouping), against the rule measured pair by pair.

connect_ways only looks at vertices of pieces whose boxes meet, on a grid, cell pairs where two pieces
meet; the rule itself says nothing of grids: two ways join when they share a node or a street
relation, or a vertex of one lies within near_m of a vertex of the other (measured from the later
vertex). Random towns of homonymous ways compare the two.
"""
from __future__ import annotations

import math
import random

import pytest

from app.osm.elements import OsmRelation, OsmWay
from app.osm.geometry import M_PER_DEGREE, way_measures
from app.osm.grouping import connect_ways

NEAR_M = 150.0


def near_pairwise(members, ways, street_rels, near_m):
    """The rule, way pair by way pair, vertex pair by vertex pair: the streets as sets of indexes."""
    parent = list(range(len(members)))

    def find(a):
        while parent[a] != a:
            a = parent[a]
        return a

    for a in range(len(members)):
        for b in range(a + 1, len(members)):
            wa, wb = ways[members[a]], ways[members[b]]
            joined = bool(set(wa.node_ids or ()) & set(wb.node_ids or ()))
            joined = joined or bool({r.id for r in street_rels.get(wa.id, ())} & {r.id for r in street_rels.get(wb.id, ())})
            if not joined:
                # b comes after a, so each of b's vertices is the later one of its pairs.
                joined = any(
                    ((lon_a - lon_b) * math.cos(math.radians(lat_b)) * M_PER_DEGREE) ** 2
                    + ((lat_a - lat_b) * M_PER_DEGREE) ** 2 <= near_m * near_m
                    for lon_a, lat_a in wa.coords for lon_b, lat_b in wb.coords
                )
            if joined:
                parent[find(b)] = find(a)
    streets: dict[int, set[int]] = {}
    for pos, i in enumerate(members):
        streets.setdefault(find(pos), set()).add(i)
    return sorted(sorted(s) for s in streets.values())


def random_town(seed: int, count: int, lat0: float):
    """Short zigzag ways of one name scattered over a few km, some chained by shared nodes."""
    rng = random.Random(seed)
    m_lat = 1 / M_PER_DEGREE
    m_lon = m_lat / math.cos(math.radians(lat0))
    ways = []
    node = 1
    for wid in range(1, count + 1):
        x, y = rng.uniform(0, 3000), rng.uniform(0, 3000)
        coords, nodes = [], []
        for _ in range(rng.randint(2, 6)):
            coords.append((-3.7 + x * m_lon, lat0 + y * m_lat))
            nodes.append(node)
            node += 1
            x, y = x + rng.uniform(-60, 60), y + rng.uniform(-60, 60)
        if ways and rng.random() < 0.15:  # starts where an earlier way ends, as OSM segments do
            before = rng.choice(ways)
            coords[0], nodes[0] = before.coords[-1], before.node_ids[-1]
        if ways and rng.random() < 0.1:
            # One of its nodes is one of an earlier way's, ends or not, wherever that way lies: the
            # shared node alone joins them (here the coordinates do not say so).
            before = rng.choice(ways)
            nodes[rng.randrange(len(nodes))] = before.node_ids[rng.randrange(len(before.node_ids))]
        ways.append(OsmWay(wid, {"name": "A"}, coords, nodes))
    rels = {}
    for rel_id in range(3):
        rel = OsmRelation(900 + rel_id, {"type": "associatedStreet"}, rng.sample(range(1, count + 1), 2))
        for wid in rel.member_way_ids:
            rels.setdefault(wid, []).append(rel)
    return ways, rels


@pytest.mark.parametrize("known_boxes", [False, True])
@pytest.mark.parametrize("seed, lat0", [(1, 40.4), (2, 40.4), (3, -34.9), (4, 60.2), (5, 0.1)])
def test_connect_ways_follows_the_rule(seed, lat0, known_boxes):
    ways, rels = random_town(seed, 120, lat0)
    members = list(range(len(ways)))
    random.Random(seed).shuffle(members)
    expected = near_pairwise(members, ways, rels, NEAR_M)
    # Not trivial: some ways joined, and several streets left apart.
    assert 3 < len(expected) < len(ways) - 10
    boxes = way_measures(ways)[1] if known_boxes else None
    assert sorted(sorted(s) for s in connect_ways(members, ways, rels, NEAR_M, boxes)) == expected


def test_connect_ways_keeps_members_order_within_a_street():
    ways, rels = random_town(7, 60, 40.4)
    members = list(reversed(range(len(ways))))
    for street in connect_ways(members, ways, rels, NEAR_M):
        assert street == sorted(street, key=members.index)
