"""Conditions on a run's outputs, such as ``focal_security < 0.5 and focal_autonomy >= 0.6``.

``laossim discover --where`` marks the runs of interest with one. The text is
read by a small tokenizer and a recursive-descent parser into a tree of
comparisons, and the tree is applied to a table column by column: nothing in
it is ever evaluated as Python, so ``__import__('os')`` is a syntax error like
any other. The grammar::

    condition  := conjunction ("or" conjunction)*
    conjunction := term ("and" term)*
    term       := "(" condition ")" | comparison
    comparison := operand OP operand (OP operand)?      one side an output, the other a number
    operand    := OUTPUT | NUMBER
    OP         := "<" | "<=" | ">" | ">=" | "==" | "!="

``and`` binds tighter than ``or``, as in Python and SQL. An output is any name
the results record (``focal_security``, ``alignment.LAO.CHN``); a number is
written as in Python (``0.5``, ``-1``, ``2e-3``). A chained comparison
(``0.3 < focal_security <= 0.5``) means both. A run whose output is missing
(NaN) satisfies no comparison.

Standard library and numpy only, so any layer may use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from laossim.errors import UsageError, did_you_mean

OPERATORS = ("<", "<=", ">", ">=", "==", "!=")
"""The comparisons a condition may use."""

_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
"""Each operator with its sides swapped (``0.5 > x`` is ``x < 0.5``)."""

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
   |(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?![A-Za-z_.]))
   |(?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)
   |(?P<op><=|>=|==|!=|<|>)
   |(?P<paren>[()])
    """,
    re.VERBOSE,
)

KEYWORDS = ("and", "or")


MAX_DEPTH = 50
"""Parentheses a condition may have open at once (the parser descends once a level)."""


class ConditionError(UsageError):
    """A condition that cannot be read: a syntax error, an unknown output or a bad operator (exit 2).

    The message names the option, quotes the condition, points at the place (1-based) and lists
    the outputs the results record.
    """


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    at: int  # 0-based offset into the condition


@dataclass(frozen=True)
class Comparison:
    """One comparison of an output with a number, the output on the left."""

    output: str
    op: str
    value: float

    def mask(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """Which rows satisfy it (NaN satisfies nothing; ``!=`` included)."""
        x = np.asarray(columns[self.output], dtype=float)
        with np.errstate(invalid="ignore"):
            result = {
                "<": x < self.value,
                "<=": x <= self.value,
                ">": x > self.value,
                ">=": x >= self.value,
                "==": x == self.value,
                "!=": x != self.value,
            }[self.op]
        return result & ~np.isnan(x)

    def text(self) -> str:
        return f"{self.output} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Junction:
    """Conditions joined by ``and`` or ``or``."""

    word: str
    parts: tuple[Node, ...]

    def mask(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        masks = [part.mask(columns) for part in self.parts]
        return np.logical_and.reduce(masks) if self.word == "and" else np.logical_or.reduce(masks)

    def text(self) -> str:
        inner = [f"({p.text()})" if isinstance(p, Junction) else p.text() for p in self.parts]
        return f" {self.word} ".join(inner)


Node = Comparison | Junction


@dataclass(frozen=True)
class Condition:
    """A parsed condition: its text as given, its tree and the outputs it reads."""

    source: str
    tree: Node

    @property
    def outputs(self) -> list[str]:
        """The outputs it compares, in order of first use."""
        found: list[str] = []

        def walk(node: Node) -> None:
            if isinstance(node, Comparison):
                if node.output not in found:
                    found.append(node.output)
            else:
                for part in node.parts:
                    walk(part)

        walk(self.tree)
        return found

    def mask(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """Which rows of a table (a mapping of output name to values: a DataFrame will do) satisfy it."""
        return np.asarray(self.tree.mask(columns), dtype=bool)

    def text(self) -> str:
        """The condition written out canonically (each comparison with its output first)."""
        return self.tree.text()


def parse(text: str, outputs: Sequence[str], *, option: str = "--where") -> Condition:
    """Read ``text`` as a condition on ``outputs`` (the names the results record).

    Raises:
        ConditionError: a syntax error, an unknown output or operator, or a comparison that is not
            of an output with a number; the message quotes the condition and points at the place.
    """
    return _Parser(text, list(outputs), option).condition()


class _Parser:
    def __init__(self, text: str, outputs: list[str], option: str) -> None:
        self.text, self.outputs, self.option = text, outputs, option
        self.tokens = self._tokenize()
        self.i = 0
        self.depth = 0

    # errors --------------------------------------------------------------------------------

    def fail(self, at: int, problem: str, hint: str | None = None) -> ConditionError:
        known = ", ".join(self.outputs)
        lines = [
            f"{self.option} {self.text!r}: {problem} at position {at + 1}" + (f"; {hint}" if hint else ""),
            f"    {self.text}",
            f"    {' ' * at}^",
            "a condition compares outputs with numbers, joined by and/or, e.g. "
            f"{self.outputs[0] if self.outputs else 'focal_security'} < 0.5; the results record: {known}",
        ]
        return ConditionError("\n".join(lines))

    # tokens --------------------------------------------------------------------------------

    def _tokenize(self) -> list[_Token]:
        tokens, at = [], 0
        while at < len(self.text):
            match = _TOKEN.match(self.text, at)
            if match is None:
                char = self.text[at]
                hint = "use 'and', 'or' and the comparisons " + " ".join(OPERATORS)
                if char == "=":
                    hint = "compare with '==' (or '<=', '>=')"
                raise self.fail(at, f"unexpected character {char!r}", hint)
            kind = match.lastgroup or ""
            if kind != "space":
                tokens.append(_Token(kind, match.group(), at))
            at = match.end()
        tokens.append(_Token("end", "", len(self.text)))
        return tokens

    @property
    def current(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def describe(self, token: _Token) -> str:
        return "the end of the condition" if token.kind == "end" else repr(token.text)

    # grammar -------------------------------------------------------------------------------

    def condition(self) -> Condition:
        if self.current.kind == "end":
            raise self.fail(0, "empty condition")
        tree = self.disjunction()
        if self.current.kind != "end":
            token = self.current
            hint = "join comparisons with 'and' or 'or'"
            if token.text == ")":
                hint = "this ')' closes no '('"
            raise self.fail(token.at, f"unexpected {self.describe(token)}", hint)
        return Condition(self.text, tree)

    def junction(self, word: str) -> Node:
        inner = self.conjunction if word == "or" else self.term
        parts = [inner()]
        while self.current.kind == "name" and self.current.text == word:
            self.take()
            parts.append(inner())
        return parts[0] if len(parts) == 1 else Junction(word, tuple(parts))

    def disjunction(self) -> Node:
        return self.junction("or")

    def conjunction(self) -> Node:
        return self.junction("and")

    def term(self) -> Node:
        token = self.current
        if token.text == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.fail(token.at, f"more than {MAX_DEPTH} parentheses open at once", "write it flatter")
            self.take()
            inner = self.disjunction()
            if self.current.text != ")":
                raise self.fail(
                    self.current.at,
                    f"expected ')' to close the '(' at position {token.at + 1}, got {self.describe(self.current)}",
                )
            self.take()
            self.depth -= 1
            return inner
        return self.comparison()

    def operand(self) -> _Token:
        token = self.current
        if token.kind == "number":
            return self.take()
        if token.kind == "name":
            if token.text in KEYWORDS:
                raise self.fail(token.at, f"expected an output or a number, got {token.text!r}")
            if token.text == "not":
                raise self.fail(token.at, "'not' is not part of a condition", "write the opposite comparison")
            if token.text not in self.outputs:
                hint = did_you_mean(token.text, self.outputs)
                raise self.fail(token.at, f"unknown output {token.text!r}", hint)
            if self.tokens[self.i + 1].text == "(":
                raise self.fail(token.at, f"{token.text!r} is called like a function; a condition calls nothing")
            return self.take()
        if token.kind == "end":
            raise self.fail(token.at, "expected an output or a number, got the end of the condition")
        raise self.fail(token.at, f"expected an output or a number, got {token.text!r}")

    def operator(self) -> _Token:
        token = self.current
        if token.kind != "op":
            raise self.fail(
                token.at,
                f"expected a comparison ({' '.join(OPERATORS)}), got {self.describe(token)}",
            )
        return self.take()

    def comparison(self) -> Node:
        left = self.operand()
        op = self.operator()
        right = self.operand()
        pairs = [(left, op, right)]
        if self.current.kind == "op":  # a chained comparison: a < x < b
            op2 = self.take()
            third = self.operand()
            pairs.append((right, op2, third))
        found = [self.one(*pair) for pair in pairs]
        return found[0] if len(found) == 1 else Junction("and", tuple(found))

    def one(self, left: _Token, op: _Token, right: _Token) -> Comparison:
        if left.kind == right.kind:
            what = "two outputs" if left.kind == "name" else "two numbers"
            raise self.fail(
                left.at, f"{left.text} {op.text} {right.text} compares {what}", "compare an output with a number"
            )
        if left.kind == "name":
            return Comparison(left.text, op.text, float(right.text))
        return Comparison(right.text, _FLIPPED[op.text], float(left.text))
