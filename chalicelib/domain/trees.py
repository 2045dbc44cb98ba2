"""Forests held in memory: every "is X under Y" is answered without I/O.

Company trees (one root: the company) and category trees (a forest: the organization's root
categories) are stored the same way, each node naming its parent, and checked the same way here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping


class Forest:
    """Nodes as trees, built from ``(node_id, parent_id)`` pairs (a root's parent is None).

    Paths are computed once, so a check costs a dictionary lookup and a tuple scan of at most the
    depth. ``noun`` names a node in the errors raised for parents that do not make a forest.
    """

    noun = "node"

    def __init__(self, parents: Mapping[str, str | None]) -> None:
        self._parents = dict(parents)
        self._paths: dict[str, tuple[str, ...]] = {}
        for node in self._parents:
            self._path_of(node)

    def _path_of(self, node: str) -> tuple[str, ...]:
        """The node's path, built on its nearest ancestor whose path is known (linear in all)."""
        pending: list[str] = []
        current: str | None = node
        while current is not None and current not in self._paths:
            if current in pending:
                raise ValueError(f"{self.noun} {node!r} is its own ancestor")
            if current not in self._parents:
                raise ValueError(f"{self.noun} {current!r} has an unknown parent")
            pending.append(current)
            current = self._parents[current]
        path = self._paths[current] if current is not None else ()
        for descendant in reversed(pending):
            path = (*path, descendant)
            self._paths[descendant] = path
        return self._paths[node]

    def __contains__(self, node: object) -> bool:
        return node in self._paths

    def __len__(self) -> int:
        return len(self._paths)

    def parent(self, node: str) -> str | None:
        return self._parents[node]

    def roots(self) -> list[str]:
        return sorted(node for node, parent in self._parents.items() if parent is None)

    def path(self, node: str) -> tuple[str, ...]:
        """The nodes from the root down to ``node`` (both included)."""
        return self._paths[node]

    def is_within(self, node: str, ancestor: str) -> bool:
        """True if ``node`` is ``ancestor`` or lies below it."""
        path = self._paths.get(node)
        return path is not None and ancestor in path

    def children(self, node: str | None) -> list[str]:
        """The nodes whose parent is ``node`` (None: the roots)."""
        return sorted(child for child, parent in self._parents.items() if parent == node)

    def subtree(self, node: str) -> list[str]:
        """``node`` and every node below it."""
        return sorted(other for other, path in self._paths.items() if node in path)

    def with_ancestors(self, nodes: Iterable[str]) -> set[str]:
        """The ``nodes`` of the forest and every ancestor of theirs (each node whose subtree holds one)."""
        return {ancestor for node in nodes if node in self._paths for ancestor in self._paths[node]}

    def closes_cycle(self, node: str, new_parent: str) -> bool:
        """Whether moving ``node`` under ``new_parent`` would put it under itself or a descendant."""
        return self.is_within(new_parent, node)

    def depth_first(self, position: Callable[[str], int] | None = None) -> list[str]:
        """Every node, each parent before its subtree; siblings by ``position``, then id (default: id).

        Sorting by the path of sort keys does it: a node's path is a prefix of its descendants' paths.
        """

        def order(node: str) -> tuple[object, ...]:
            if position is None:
                return self._paths[node]
            return tuple((position(ancestor), ancestor) for ancestor in self._paths[node])

        return sorted(self._paths, key=order)
