"""The SeedSequence tree: the only place random generators are made.

A run has one root ``SeedSequence``; replication r uses its r-th spawned
child; within a replication each mechanism at step t draws from the
generator keyed (its stream key, t), the key it is declared with
(:data:`laossim.mechanisms.STEP_ORDER`). Every mechanism therefore sees the
same random numbers at the same step in two scenarios run with the same seed,
however many numbers it or any other mechanism used before (common random
numbers), and wherever it sits in the step order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np

SeedLike = int | np.random.SeedSequence | np.random.Generator | None


def root_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """A SeedSequence from an int, a SeedSequence, or a Generator (which gives one int)."""
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2**63)))
    return np.random.SeedSequence(seed)


def replication_sequences(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """One child sequence per replication, spawned from the run's root seed."""
    return np.random.SeedSequence(seed).spawn(replications)


def seed_record(seq: np.random.SeedSequence) -> dict[str, object]:
    """A JSON-able record of a sequence, enough to rebuild it."""
    if not isinstance(seq.entropy, int | np.integer):
        raise TypeError(f"a seed record needs a sequence made from an int, not from {seq.entropy!r}")
    return {"entropy": int(seq.entropy), "spawn_key": [int(x) for x in seq.spawn_key]}


class Streams:
    """Per-mechanism, per-step generators of one replication."""

    def __init__(self, seq: np.random.SeedSequence) -> None:
        self._seq = seq

    def generator(self, stream: int, step: int) -> np.random.Generator:
        """The generator keyed (a mechanism's stream key, step), made when first drawn from (see
        :class:`Deferred`)."""
        return cast(np.random.Generator, Deferred(self._seq.entropy, (*self._seq.spawn_key, stream, step)))

    def sampling(self, stream: int, sample: int) -> np.random.Generator:
        """The generator of a mechanism's ``sample``-th sampled step as a run begins
        (``Simulation.rest``), keyed (stream, sample, 1): apart from every generator of the run."""
        return cast(np.random.Generator, Deferred(self._seq.entropy, (*self._seq.spawn_key, stream, sample, 1)))

    def mesa_seed(self) -> int:
        """An int for Mesa's own generators (laossim's mechanisms never use them)."""
        return int(self._seq.generate_state(1, np.uint32)[0])


class Deferred:
    """A generator that is made on its first draw, and then behaves as that generator.

    Making one costs about 20 us (the SeedSequence hash and PCG64's seeding): an eighth of a
    small world's step, and at most steps several mechanisms draw nothing (no meeting, no
    scripted event). The numbers drawn are the same either way.
    """

    __slots__ = ("_entropy", "_key", "_made")

    def __init__(self, entropy: Any, key: tuple[int, ...]) -> None:
        self._entropy = entropy
        self._key = key
        self._made: np.random.Generator | None = None

    def _generator(self) -> np.random.Generator:
        if self._made is None:
            self._made = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence(self._entropy, spawn_key=self._key))
            )
        return self._made

    def random(self, *args: Any, **kwargs: Any) -> Any:
        """What the mechanisms draw most, without the detour through ``__getattr__``."""
        return self._generator().random(*args, **kwargs)

    def standard_normal(self, *args: Any, **kwargs: Any) -> Any:
        return self._generator().standard_normal(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in self.__slots__:
            raise AttributeError(name)  # copy and pickle probe for these before __init__ has run
        return getattr(self._generator(), name)


class Stacked:
    """Several runs' generators drawn from as one (:mod:`laossim.batch`): each draw is made by
    every run's own generator and the draws are stacked on a new first (run) axis, so every run
    gets exactly the numbers it would get alone. Only the draws the mechanisms make are offered."""

    __slots__ = ("_generators",)

    def __init__(self, generators: Sequence[np.random.Generator]) -> None:
        self._generators = tuple(generators)

    def random(self, size: int | tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
        """Uniform draws of shape ``(runs, *size)``."""
        return np.stack([g.random(size, dtype=dtype) for g in self._generators])

    def standard_normal(self, size: tuple[int, ...], dtype: type = np.float64) -> np.ndarray:
        """Standard normal draws of shape ``(runs, *size)``."""
        return np.stack([g.standard_normal(size, dtype=dtype) for g in self._generators])


class StackedStreams:
    """The streams of several runs advanced as one: generator (m, t) is every run's own (m, t)."""

    def __init__(self, streams: Sequence[Streams]) -> None:
        self._streams = tuple(streams)

    def generator(self, stream: int, step: int) -> np.random.Generator:
        """Each run's generator keyed (stream, step), drawn from as one (see :class:`Stacked`)."""
        return cast(np.random.Generator, Stacked([s.generator(stream, step) for s in self._streams]))

    def sampling(self, stream: int, sample: int) -> np.random.Generator:
        """Each run's sampling generator (:meth:`Streams.sampling`), drawn from as one."""
        return cast(np.random.Generator, Stacked([s.sampling(stream, sample) for s in self._streams]))
