"""Ruled table grids from a page's straight segments.

These are the steps of pdfplumber's "lines" table strategy (snap and join the edges, intersect them,
find the smallest cell at each crossing, group touching cells into tables), written out here so the
reader depends on no library internals: pdfplumber keeps these helpers undocumented and free to
change. tests/test_pdf_reader.py checks the result against pdfplumber's public `find_tables`.
An edge is a dict with orientation ("h"/"v"), x0, x1, top, bottom and its length (width/height).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from jixiao.extractors.pdf.settings import PDF_SETTINGS, PdfSettings

Box = tuple[float, float, float, float]  # x0, top, x1, bottom
Point = tuple[float, float]


def grids(edges: list[dict], settings: PdfSettings = PDF_SETTINGS) -> list[list[Box]]:
    """Cell boxes of each table the edges draw, tables top to bottom; single boxes are left out. The
    tolerances' defaults are pdfplumber's TableSettings defaults for the lines strategy."""
    edges = [e for e in edges if _length(e) >= settings.min_segment]
    edges = [e for e in _joined(_snapped(edges, settings.snap), settings.join) if _length(e) >= settings.min_edge]
    return _tables(_cells(_intersections(edges, settings.intersection)))


def _length(edge: dict) -> float:
    return edge["height"] if edge["orientation"] == "v" else edge["width"]


def _snapped(edges: list[dict], tolerance: float) -> list[dict]:
    """Vertical edges moved onto their clustered x, horizontal ones onto their clustered top."""
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    return _snap(vertical, "x0", ("x0", "x1"), tolerance) + _snap(horizontal, "top", ("top", "bottom"), tolerance)


def _snap(edges: list[dict], attr: str, moved: tuple[str, str], tolerance: float) -> list[dict]:
    """Cluster positions (each within the tolerance of the previous one) and move edges to the mean."""
    cluster_of: dict[float, int] = {}
    cluster, last = -1, float("-inf")
    for value in sorted({e[attr] for e in edges}):
        if value > last + tolerance:
            cluster += 1
        cluster_of[value], last = cluster, value
    out: list[dict] = []
    ordered = sorted(edges, key=lambda e: cluster_of[e[attr]])
    for _, group in itertools.groupby(ordered, key=lambda e: cluster_of[e[attr]]):
        cluster = list(group)
        mean = sum(e[attr] for e in cluster) / len(cluster)
        for edge in cluster:
            shift = mean - edge[attr]
            out.append({**edge, moved[0]: edge[moved[0]] + shift, moved[1]: edge[moved[1]] + shift})
    return out


def _joined(edges: list[dict], tolerance: float) -> list[dict]:
    """Edges on one line whose gap is at most the join tolerance become one edge."""

    def line(edge: dict) -> tuple[str, float]:
        return ("h", edge["top"]) if edge["orientation"] == "h" else ("v", edge["x0"])

    out: list[dict] = []
    for (orientation, _), group in itertools.groupby(sorted(edges, key=line), key=line):
        start, end, length = ("x0", "x1", "width") if orientation == "h" else ("top", "bottom", "height")
        joined: list[dict] = []
        for edge in sorted(group, key=lambda e: e[start]):
            last = joined[-1] if joined else None
            if last is None or edge[start] > last[end] + tolerance:
                joined.append(edge)
            elif edge[end] > last[end]:  # lengths updated as pdfplumber's resize_object does
                new_length = edge[end] - last["x0"] if orientation == "h" else last[length] + (edge[end] - last[end])
                joined[-1] = {**last, end: edge[end], length: new_length}
        out += joined
    return out


def _intersections(edges: list[dict], tol: float) -> dict[Point, dict[str, set[Box]]]:
    """Crossing points of vertical and horizontal edges, each with the boxes of the edges through it."""
    vertical = sorted((e for e in edges if e["orientation"] == "v"), key=lambda e: (e["x0"], e["top"]))
    horizontal = sorted((e for e in edges if e["orientation"] == "h"), key=lambda e: (e["top"], e["x0"]))
    points: dict[Point, dict[str, set[Box]]] = {}
    for v in vertical:
        for h in horizontal:
            if v["top"] <= h["top"] + tol and v["bottom"] >= h["top"] - tol \
                    and h["x0"] - tol <= v["x0"] <= h["x1"] + tol:
                through = points.setdefault((v["x0"], h["top"]), {"v": set(), "h": set()})
                through["v"].add(_box(v))
                through["h"].add(_box(h))
    return points


def _box(edge: dict) -> Box:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])


def _cells(points: dict[Point, dict[str, set[Box]]]) -> list[Box]:
    """For each crossing, the smallest rectangle whose four corners are crossings joined by edges."""

    def connected(p: Point, q: Point) -> bool:
        if p[0] == q[0] and points[p]["v"] & points[q]["v"]:
            return True
        return p[1] == q[1] and bool(points[p]["h"] & points[q]["h"])

    ordered = sorted(points)
    by_x: dict[float, list[Point]] = {}
    by_y: dict[float, list[Point]] = {}
    for point in ordered:  # sorted by x, then y: each column top-down, each row left to right
        by_x.setdefault(point[0], []).append(point)
        by_y.setdefault(point[1], []).append(point)
    cells: list[Box] = []
    for corner in ordered:
        column, row = by_x[corner[0]], by_y[corner[1]]
        below = column[column.index(corner) + 1:]
        right = row[row.index(corner) + 1:]
        cell = _smallest_cell(corner, below, right, points, connected)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(corner: Point, below: list[Point], right: list[Point], points, connected) -> Box | None:
    for down in below:
        if not connected(corner, down):
            continue
        for across in right:
            if not connected(corner, across):
                continue
            opposite = (across[0], down[1])
            if opposite in points and connected(opposite, across) and connected(opposite, down):
                return (corner[0], corner[1], opposite[0], opposite[1])
    return None


def _tables(cells: Iterable[Box]) -> list[list[Box]]:
    """Cells sharing corners grouped into tables (a group grows until no remaining cell touches it)."""
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[Box] = []
    tables: list[list[Box]] = []
    while remaining:
        before = len(current)
        for cell in list(remaining):
            x0, top, x1, bottom = cell
            cell_corners = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or any(c in corners for c in cell_corners):
                corners |= set(cell_corners)
                current.append(cell)
                remaining.remove(cell)
        if len(current) == before:
            tables.append(current)
            corners, current = set(), []
    if current:
        tables.append(current)
    tables.sort(key=lambda table: min((c[1], c[0]) for c in table))
    return [table for table in tables if len(table) > 1]
