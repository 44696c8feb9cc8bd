"""Scenario files from format version 1 to 2: each state's shares over the poles become its position.

Version-1 files load unchanged (their positions follow from their shares in the
default geometry, ``laossim.geometry``); a file needs version 2 to give a state a
``resting_position`` other than where it starts. :func:`migrated` writes such a
file's text: ``format_version: 2``, every state (poles too) with the position
its shares give, rounded to six decimals (the shares then agree with the old
ones to about 1e-5), and no ``alignment``. Everything else of the file, its
comments and order included, is kept as written.
"""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq

from laossim.errors import Problem, ScenarioError
from laossim.scenario.load import load_resolved

DECIMALS = 6
"""Decimals a migrated coordinate keeps."""


def migrated(path: str | Path) -> str:
    """The text of ``path`` as a version-2 file.

    Raises:
        ScenarioError: the file does not load, is version 2 already, or extends another file (whose
            states it does not give: migrate the file that gives them).
    """
    from laossim.world import positions  # the default geometry: one place computes it

    path = Path(path)
    scenario = load_resolved(path).scenario  # every problem of the file, as loading reports it
    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)  # the shipped files' style: "  - {id: ...}"
    yaml.width = 4096  # a state a line: wrapped flow mappings read worse
    doc = yaml.load(path.read_text(encoding="utf-8"))
    where = str(path)
    if doc.get("format_version") == 2:
        raise ScenarioError([Problem(where, doc.lc.line + 1, "format_version", "the file is version 2 already")])
    if doc.get("extends") is not None:
        line = doc.lc.data["extends"][0] + 1
        hint = f"migrate {doc['extends']} (which gives the states) and extend that"
        raise ScenarioError([Problem(where, line, "extends", "a file that extends another cannot be migrated alone",
                                     hint=hint)])  # fmt: skip
    position, _ = positions(scenario)
    index = {sid: i for i, sid in enumerate(scenario.state_ids)}
    if "format_version" in doc:
        doc["format_version"] = 2
    else:
        doc.insert(0, "format_version", 2)
    for state in doc["states"]:
        state.pop("alignment", None)
        coordinates = CommentedSeq(round(float(x), DECIMALS) for x in position[index[state["id"]]])
        coordinates.fa.set_flow_style()
        state["position"] = coordinates
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()
