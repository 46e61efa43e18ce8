"""Union-find over indexes 0..n-1: groups joined by any chain of pairs (duplicates, vocabulary suggestions)."""

from __future__ import annotations


class UnionFind:
    """A group's root is its smallest index, so groups come out the same in every run."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def root(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.root(i), self.root(j)
        self.parent[max(a, b)] = min(a, b)

    def roots(self) -> list[int]:
        """Each index's root."""
        return [self.root(i) for i in range(len(self.parent))]

    def groups(self) -> list[list[int]]:
        """Indexes grouped by root, groups in order of their smallest index."""
        by_root: dict[int, list[int]] = {}
        for i, root in enumerate(self.roots()):
            by_root.setdefault(root, []).append(i)
        return list(by_root.values())
