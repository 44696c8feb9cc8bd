"""How the items of a list are named in a dotted path: a state, forum or actor by its id, a
relation by its unordered pair (``relations.CHN-LAO``)."""

from __future__ import annotations

from typing import Any

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$"
"""A scenario's or experiment's name: it names result folders, so no ``/``, no ``..`` and no spaces
(letters, digits, ``_`` and ``-``, with single dots between)."""

KEYED_LISTS = {"states": "id", "forums": "id", "actors": "id", "relations": "between"}
"""The sections whose items a path names by key, and the key (scenario, experiment and landscape
files alike)."""


def item_key(item: Any, key: str) -> Any:
    """The merge key of a list item: its id, or its unordered pair."""
    if not isinstance(item, dict):
        return None
    value = item.get(key)
    if key == "between":
        if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
            return frozenset(value) if value[0] != value[1] else None
        return None
    return value if isinstance(value, str) else None


def pair_label(pair: Any) -> str:
    """``CHN-LAO``: the unordered pair as it is written in paths (sorted)."""
    return "-".join(sorted(pair))
