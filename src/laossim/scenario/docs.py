"""The parameter table of docs/model.md, rendered from the schema (one source of truth)."""

from __future__ import annotations

from pydantic import BaseModel

from laossim.scenario.parameters import Parameters


def parameter_rows(model: type[BaseModel] = Parameters, prefix: str = "") -> list[tuple[str, str, str, str]]:
    """(dotted name, default, provenance, description) for every scalar parameter."""
    rows = []
    defaults = model()
    for name, field in model.model_fields.items():
        value = getattr(defaults, name)
        path = f"{prefix}{name}"
        if isinstance(value, BaseModel):
            rows += parameter_rows(type(value), f"{path}.")
        elif isinstance(value, dict):
            for key, item in value.items():
                for sub, _default, prov, desc in parameter_rows(type(item), ""):
                    item_default = getattr(item, sub)
                    rows.append((f"{path}.{key.value}.{sub}", _fmt(item_default), prov, desc))
        else:
            desc = field.description or ""
            prov = "judgement" if desc.endswith("judgement") else "sourced"
            text = desc.removesuffix("judgement").rstrip(" .") if prov == "judgement" else desc
            rows.append((path, _fmt(value), prov, text))
    return rows


def _fmt(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def parameter_table() -> str:
    """Markdown table of every parameter: name, default, provenance, meaning."""
    lines = ["| parameter | default | provenance | meaning |", "|---|---|---|---|"]
    lines += [f"| `parameters.{n}` | {d} | {p} | {m} |" for n, d, p, m in parameter_rows()]
    return "\n".join(lines)
