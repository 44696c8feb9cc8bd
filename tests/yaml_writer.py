"""Test helper: write plain data as YAML (safe dumper) for the fuzz tests."""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML


def dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    return buffer.getvalue()
