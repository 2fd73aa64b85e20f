"""Text columns dictionary-encoded once per batch: the distinct texts and each row's code.

A measurement file has millions of rows but few distinct touchpoints, dimensions, periods,
personas and answers. Every check and conversion runs once per distinct text; the rows
only take the results by their integer code (a numpy take), and group on those codes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# What Python's str.strip() removes: every character with str.isspace().
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)

Array = np.ndarray[Any, Any]
TextType = Literal["string", "str"]  # pandas' dtype of text read from a file; of fixed text


@dataclass(frozen=True)
class Cells:
    """One text column of a batch: `values`, its distinct texts as str.strip() leaves them,
    and `codes`, each row's index into them. `dtype` is the pandas dtype the texts have when
    they become a column: "string" when read from the file, "str" for a fixed or mapped
    text (as pandas gives them), so that partials and scores keep the column types they
    always had."""

    codes: Array  # one integer per row
    values: Array  # object array of distinct str
    dtype: TextType = "string"

    @classmethod
    def constant(cls, value: str, rows: int) -> Cells:
        """The same text in every row."""
        return cls(np.zeros(rows, dtype=np.int32), np.array([value], dtype=object), "str")

    @classmethod
    def of_arrow(cls, column: pa.Array | pa.ChunkedArray) -> Cells:
        """A column of Arrow strings, encoded by Arrow's hash table, then stripped."""
        if isinstance(column, pa.ChunkedArray):
            column = column.combine_chunks()
        encoded = pc.dictionary_encode(column)
        dictionary = encoded.dictionary
        codes = encoded.indices.to_numpy(zero_copy_only=False)
        trimmed = pc.utf8_trim(dictionary, characters=WHITESPACE)
        if not trimmed.equals(dictionary):  # white space around some cells: encode again
            again = pc.dictionary_encode(trimmed)
            codes = again.indices.to_numpy(zero_copy_only=False)[codes]
            dictionary = again.dictionary
        return cls(codes, np.array(dictionary.to_pylist(), dtype=object))

    @classmethod
    def of_series(cls, column: pd.Series) -> Cells:
        """A pandas column of text (missing cells read as empty), stripped."""
        text = column.astype("string").fillna("").to_numpy(dtype=object)
        codes, uniques = pd.factorize(text)
        return cls(codes, np.asarray(uniques, dtype=object)).relabel(
            [value.strip() for value in uniques]
        )

    def __len__(self) -> int:
        return len(self.codes)

    def relabel(self, texts: Sequence[str], dtype: TextType | None = None) -> Cells:
        """Each distinct text replaced by texts[i]; texts that become equal share one code."""
        codes, uniques = pd.factorize(np.array(texts, dtype=object))
        return Cells(codes[self.codes], np.asarray(uniques, dtype=object), dtype or self.dtype)

    def rows(self, per_value: Array) -> Array:
        """A value per distinct text, taken for every row."""
        return per_value[self.codes]

    def each(self, test: Callable[[str], bool]) -> Array:
        """`test` of each distinct text, as a boolean array."""
        return np.fromiter((test(value) for value in self.values), bool, len(self.values))

    def isin(self, known: Collection[str]) -> Array:
        """Which distinct texts are in `known`."""
        return self.each(known.__contains__)

    def texts(self, rows: Array) -> list[str]:
        """The text of each of `rows`."""
        return [str(value) for value in self.values[self.codes[rows]]]

    def strings(self) -> Array:
        """Every row's text, as an object array."""
        return self.values[self.codes]

    def column(self, rows: Array) -> pd.Series:
        """The texts of `rows` as a pandas column of this cells' dtype."""
        return pd.Series(self.values[self.codes[rows]], dtype=self.dtype)
