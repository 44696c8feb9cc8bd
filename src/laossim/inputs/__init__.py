"""Input machinery, apart from any one file format: YAML that remembers where each value came
from (:mod:`~laossim.inputs.tree`), the kinds of input file (:mod:`~laossim.inputs.kinds`), how
list items are named in paths (:mod:`~laossim.inputs.items`), dotted-path overrides
(:mod:`~laossim.inputs.overrides`) and validation errors in the project's words
(:mod:`~laossim.inputs.translate`). The scenario, experiment and landscape formats build on it."""
