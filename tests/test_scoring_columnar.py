"""The columnar data path: dictionary-encoded cells and partials summed over integer codes,
checked against plain Python and against pandas' group-by of the same observations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from cxsite.scoring import aggregate
from cxsite.scoring.aggregate import (
    PARTIAL_KEYS,
    PARTIAL_VALUES,
    PartialSums,
    partial_aggregates,
)
from cxsite.scoring.cells import Cells
from cxsite.scoring.observations import CodedObservations

TEXTS = ["a", " a", "b\t", "", " ", "\u3000b", "a\x85", "ä", "a b", "a"]


def test_arrow_cells_hold_each_row_as_python_strips_it() -> None:
    cells = Cells.of_arrow(pa.array(TEXTS))
    assert cells.strings().tolist() == [text.strip() for text in TEXTS]
    # " a", "a" and "a\x85" are one text once stripped: one code
    assert sorted(cells.values.tolist()) == ["", "a", "a b", "b", "ä"]
    assert len(set(cells.codes.tolist())) == 5


def test_pandas_cells_are_the_same_as_arrow_cells() -> None:
    from_pandas = Cells.of_series(pd.Series([*TEXTS, None], dtype=object))
    assert from_pandas.strings().tolist() == [text.strip() for text in TEXTS] + [""]
    chunked = Cells.of_arrow(pa.chunked_array([TEXTS[:4], TEXTS[4:]]))
    assert chunked.strings().tolist() == Cells.of_arrow(pa.array(TEXTS)).strings().tolist()


def test_relabel_merges_texts_that_become_equal() -> None:
    cells = Cells.of_arrow(pa.array(["2025-01-03", "2025-01-30", "2025-02"]))
    months = cells.relabel([value[:7] for value in cells.values])
    assert months.strings().tolist() == ["2025-01", "2025-01", "2025-02"]
    assert len(months.values) == 2


def random_observations(rng: np.random.Generator, rows: int, ids: int) -> pd.DataFrame:
    def pick(prefix: str, count: int) -> np.ndarray:
        return np.array([f"{prefix}{i}" for i in rng.integers(0, count, rows)], dtype=object)

    return pd.DataFrame(
        {
            "measure": rng.integers(0, 3, rows),
            "touchpoint": pick("t", ids),
            "dimension": pick("d", 4),
            "period": pick("2025-", 6),
            "persona": pick("p", 3),
            "x": rng.integers(0, 5, rows) * 25.0,
            "n": rng.integers(1, 4, rows).astype("float64"),
        }
    )


def coded(frame: pd.DataFrame, measure: int) -> CodedObservations:
    """The rows of one measure as the reader hands them to PartialSums."""
    cells = {key: Cells.of_series(frame[key]) for key in PARTIAL_KEYS[1:]}
    rows = np.flatnonzero(frame["measure"].to_numpy() == measure)
    return CodedObservations(
        measure,
        rows,
        cells["touchpoint"],
        cells["dimension"],
        cells["period"],
        cells["persona"],
        frame["x"].to_numpy()[rows],
        frame["n"].to_numpy()[rows],
    )


@pytest.mark.parametrize(
    ("seed", "dense_up_to", "pending_up_to"),
    [(1, 1 << 22, 1 << 21), (2, 50, 1 << 21), (3, 1 << 22, 10), (4, 50, 10)],
)
def test_partial_sums_equal_pandas_group_by(
    monkeypatch: pytest.MonkeyPatch, seed: int, dense_up_to: int, pending_up_to: int
) -> None:
    # Small limits force the sparse numbering (np.unique) and merging batches as they pile up.
    monkeypatch.setattr(aggregate, "DENSE_GROUPS_UP_TO", dense_up_to)
    monkeypatch.setattr(aggregate, "PENDING_GROUPS_UP_TO", pending_up_to)
    rng = np.random.default_rng(seed)
    batches = [random_observations(rng, rows, ids=40) for rows in (500, 1, 0, 2000, 37)]
    sums = PartialSums()
    for batch in batches:
        for measure in range(3):
            sums.add(coded(batch, measure))
    expected = partial_aggregates(pd.concat(batches, ignore_index=True))
    actual = sums.partials()
    assert actual[PARTIAL_KEYS].astype(str).values.tolist() == (
        expected[PARTIAL_KEYS].astype(str).values.tolist()
    )
    # x in steps of 25 and whole n: every sum is exact in any order
    for column in PARTIAL_VALUES:
        np.testing.assert_array_equal(actual[column].to_numpy(), expected[column].to_numpy())


def test_partial_sums_of_a_worked_example() -> None:
    # two answers 100 and 50 (n 1 and 3) for t1, one answer 0 for t2
    frame = pd.DataFrame(
        {
            "measure": [0, 0, 0],
            "touchpoint": ["t1", "t2", "t1"],
            "dimension": ["trust"] * 3,
            "period": ["2025-01"] * 3,
            "persona": ["*"] * 3,
            "x": [100.0, 0.0, 50.0],
            "n": [1.0, 2.0, 3.0],
        }
    )
    sums = PartialSums()
    sums.add(coded(frame, 0))
    result = sums.partials()
    assert result["touchpoint"].tolist() == ["t1", "t2"]
    assert result["n"].tolist() == [4.0, 2.0]
    assert result["sum"].tolist() == [100.0 + 3 * 50.0, 0.0]
    assert result["sumsq"].tolist() == [100.0**2 + 3 * 50.0**2, 0.0]
    assert PartialSums().partials().empty
