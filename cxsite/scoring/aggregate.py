"""Mergeable partial aggregates: count, sum and sum of squares of x per group.

Partials of any split of the data (chunks of a file, files, machines) add up to the
partials of the whole, so the scores never depend on how the data was read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from cxsite.scoring.cells import Array, Cells
from cxsite.scoring.observations import CodedObservations

PARTIAL_KEYS = ["measure", "touchpoint", "dimension", "period", "persona"]
PARTIAL_VALUES = ["n", "sum", "sumsq"]


def partial_aggregates(observations: pd.DataFrame) -> pd.DataFrame:
    """Σn, Σn·x and Σn·x² per (measure, touchpoint, dimension, period, persona)."""
    weighted = observations.assign(
        sum=observations["n"] * observations["x"],
        sumsq=observations["n"] * observations["x"] ** 2,
    )
    return _sum_by_keys(weighted[PARTIAL_KEYS + PARTIAL_VALUES])


def merge_partials(parts: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """The partials of the union of the data behind `parts`."""
    frames = [p for p in parts if len(p)]
    if not frames:
        return empty_partials()
    return _sum_by_keys(pd.concat(frames, ignore_index=True))


def empty_partials() -> pd.DataFrame:
    columns = {k: pd.Series(dtype="int64" if k == "measure" else "object") for k in PARTIAL_KEYS}
    columns.update({v: pd.Series(dtype="float64") for v in PARTIAL_VALUES})
    return pd.DataFrame(columns)


def _sum_by_keys(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return empty_partials()
    grouped = frame.groupby(PARTIAL_KEYS, sort=True, observed=True)[PARTIAL_VALUES].sum()
    result = grouped.reset_index()
    result["measure"] = result["measure"].astype("int64")
    return result


# Groups are summed with np.bincount over the dense space of their combined codes up to this
# many; a sparser space is first numbered with np.unique.
DENSE_GROUPS_UP_TO = 1 << 22
# Groups of past batches kept unmerged up to this many.
PENDING_GROUPS_UP_TO = 1 << 21


class PartialSums:
    """Σn, Σn·x and Σn·x² per (measure, touchpoint, dimension, period, persona), summed over
    integer codes batch by batch.

    Each key text gets a code once per source; a batch's rows are summed per group with
    np.bincount on one combined code, and the groups of the batches are merged the same
    way. Strings come back only in `partials()`, one per group.
    """

    def __init__(self) -> None:
        # touchpoint, dimension, period and persona texts → their codes
        self.registries: list[dict[str, int]] = [{} for _ in PARTIAL_KEYS[1:]]
        self.pending: list[tuple[Array, Array]] = []  # (keys 5×g, sums 3×g) per batch
        self.pending_groups = 0
        # Per key, whether any batch with observations read it from the file ("string")
        # rather than fixed or mapped ("str"): the type pandas gave the key column.
        self.from_file = [False for _ in PARTIAL_KEYS[1:]]

    def add_batch(self, parts: Sequence[CodedObservations]) -> None:
        """The usable observations of every measure of one batch."""
        if not any(len(part.rows) for part in parts):
            return
        for part in parts:
            for i, keys in enumerate(part.keys()):
                self.from_file[i] |= keys.dtype == "string"
            self.add(part)

    def add(self, part: CodedObservations) -> None:
        """The usable observations of one measure in one batch: summed per group of the
        batch's own codes, and only the groups' codes turned into the source's."""
        if not len(part.rows):
            return
        cells = part.keys()
        sizes = tuple(len(keys.values) for keys in cells)
        space = math.prod(sizes)
        n, x = part.n, part.x
        values = (n, n * x, n * x**2)
        if space > DENSE_GROUPS_UP_TO:  # too sparse for one bincount: number rows first
            rows = [np.full(len(part.rows), part.measure, dtype=np.int64)]
            rows += [self._codes(i, keys)[keys.codes[part.rows]] for i, keys in enumerate(cells)]
            self._push(*_sum_groups(np.stack(rows), np.stack(values)))
            return
        local = np.ravel_multi_index(tuple(keys.codes[part.rows] for keys in cells), sizes)
        groups = np.flatnonzero(np.bincount(local, minlength=space))
        sums = [np.bincount(local, weights=v, minlength=space)[groups] for v in values]
        group_keys = [np.full(len(groups), part.measure, dtype=np.int64)]
        for i, (keys, codes) in enumerate(zip(cells, np.unravel_index(groups, sizes), strict=True)):
            group_keys.append(self._codes(i, keys)[codes])
        self._push(np.stack(group_keys), np.array(sums))

    def _codes(self, key: int, cells: Cells) -> Array:
        """The source's code of each distinct text of `cells` (key: touchpoint, dimension,
        period or persona), numbering texts not seen before."""
        registry = self.registries[key]
        return np.fromiter(
            (registry.setdefault(str(value), len(registry)) for value in cells.values),
            np.int64,
            len(cells.values),
        )

    def _push(self, keys: Array, sums: Array) -> None:
        self.pending.append((keys, sums))
        self.pending_groups += keys.shape[1]
        if self.pending_groups > PENDING_GROUPS_UP_TO and len(self.pending) > 1:
            self.pending = [self._merged()]
            self.pending_groups = self.pending[0][0].shape[1]

    def _merged(self) -> tuple[Array, Array]:
        if len(self.pending) == 1:
            return self.pending[0]
        return _sum_groups(
            np.concatenate([k for k, _ in self.pending], axis=1),
            np.concatenate([s for _, s in self.pending], axis=1),
        )

    def partials(self) -> pd.DataFrame:
        """The partials, one row per group, sorted by measure and key texts."""
        if not self.pending:
            return empty_partials()
        keys, sums = self._merged()
        texts = [np.array(list(registry), dtype=object) for registry in self.registries]
        ranks = [_ranks(values) for values in texts]
        order = np.lexsort(
            [rank[codes] for rank, codes in zip(ranks[::-1], keys[:0:-1], strict=True)] + [keys[0]]
        )
        keys, sums = keys[:, order], sums[:, order]
        columns: dict[str, Any] = {"measure": keys[0].astype("int64")}
        for name, values, codes, from_file in zip(
            PARTIAL_KEYS[1:], texts, keys[1:], self.from_file, strict=True
        ):
            columns[name] = pd.array(values[codes], dtype="string" if from_file else "str")
        columns.update(zip(PARTIAL_VALUES, sums, strict=True))
        return pd.DataFrame(columns)


def _ranks(values: Array) -> Array:
    """Each text's place in sorted order."""
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[sorted(range(len(values)), key=lambda i: values[i])] = np.arange(len(values))
    return ranks


def _sum_groups(keys: Array, values: Array) -> tuple[Array, Array]:
    """The distinct columns of `keys` (one row per key) and the sums of `values` over each,
    added in row order."""
    sizes = tuple(int(size) for size in keys.max(axis=1) + 1)
    space = math.prod(sizes)
    if space <= DENSE_GROUPS_UP_TO:
        combined = np.ravel_multi_index(tuple(keys), sizes)
        groups = np.flatnonzero(np.bincount(combined, minlength=space))
        sums = [np.bincount(combined, weights=v, minlength=space)[groups] for v in values]
        return np.array(np.unravel_index(groups, sizes), dtype=np.int64), np.array(sums)
    if space < 1 << 62:
        uniques, inverse = np.unique(np.ravel_multi_index(tuple(keys), sizes), return_inverse=True)
        unique_keys = np.array(np.unravel_index(uniques, sizes), dtype=np.int64)
    else:
        unique_keys, inverse = np.unique(keys, axis=1, return_inverse=True)
    inverse = inverse.reshape(-1)
    sums = [np.bincount(inverse, weights=v, minlength=unique_keys.shape[1]) for v in values]
    return unique_keys, np.array(sums)
