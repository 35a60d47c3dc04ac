"""Following single links (learned from, parent) until they come back: shared by the cycle rules."""

from __future__ import annotations

from collections.abc import Mapping


def find_cycle(edges: Mapping[str, str], start: str) -> list[str] | None:
    """The cycle reached by following `edges` from `start` (first node repeated at the end), or None."""
    seen: dict[str, int] = {}
    path: list[str] = []
    node = start
    while node in edges:
        if node in seen:
            return [*path[seen[node]:], node]
        seen[node] = len(path)
        path.append(node)
        node = edges[node]
    return None


def cycle_through(edges: Mapping[str, str], start: str) -> list[str] | None:
    """The cycle `start` itself lies on (so each cycle is reported at each of its members), or None."""
    cycle = find_cycle(edges, start)
    return cycle if cycle and cycle[0] == start else None
