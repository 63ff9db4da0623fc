"""Lengths on the Earth and nearness of lines, for street assembly.

Length: geodesic on the WGS84 mean radius (haversine, 6 371 008.8 m), which agrees with
pyproj.Geod to well under 0.5 % at street scale.
"""
from __future__ import annotations

import math
from itertools import chain

import numpy as np

from app.domain import Line
from app.osm.elements import OsmWay

EARTH_RADIUS_M = 6_371_008.8
M_PER_DEGREE = math.pi * EARTH_RADIUS_M / 180.0


Box = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


def way_measures(ways: list[OsmWay]) -> tuple[list[float], list[Box | None]]:
    """Each way's geodesic length (m) and bounding box (None without coordinates), from one pass over
    all coordinates at once."""
    counts = np.fromiter(map(len, [w.coords for w in ways]), dtype=np.int64, count=len(ways))
    total = int(counts.sum())
    if total == 0:
        return [0.0] * len(ways), [None] * len(ways)
    flat = np.fromiter(
        chain.from_iterable(chain.from_iterable(w.coords for w in ways)), dtype=np.float64, count=2 * total
    ).reshape(-1, 2)
    lon = np.radians(flat[:, 0])
    lat = np.radians(flat[:, 1])
    dlat = lat[1:] - lat[:-1]
    dlon = lon[1:] - lon[:-1]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    seg = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    # Segment i joins point i and i+1; drop those that join the last point of a way to the next way.
    ends = np.cumsum(counts) - 1
    seg = np.append(seg, 0.0)
    seg[ends[counts > 0]] = 0.0
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    sums = np.add.reduceat(seg, np.minimum(starts, total - 1))
    counted = counts.tolist()
    lengths = [s if c > 1 else 0.0 for s, c in zip(sums.tolist(), counted)]
    # Boxes of the ways that have points: each of their runs of points ends where the next one starts.
    first = starts[counts > 0]
    found = iter(zip(*(reduce.reduceat(flat[:, column], first).tolist()
                       for reduce, column in ((np.minimum, 0), (np.minimum, 1), (np.maximum, 0), (np.maximum, 1)))))
    boxes = [next(found) if c else None for c in counted]
    return lengths, boxes


def line_length_m(coords: Line) -> float:
    """Geodesic length of one line (haversine)."""
    total = 0.0
    for (lon1, lat1), (lon2, lat2) in zip(coords, coords[1:]):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        total += 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))
    return total
