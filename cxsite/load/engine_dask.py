"""The dask engine: one CSV's partial aggregates computed on a dask `distributed` cluster.

Each block of the file (64 MB) becomes observations and partials on a worker, with the
same pandas code the pandas reader runs (`observations_from_table`, `partial_aggregates`);
the partials of the blocks are merged here. Line numbers are unknown inside a block, so a
file with anything to report is handed back (None) to the pandas reader, which locates
every problem exactly as it always does.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import pandas as pd

from cxsite.config import MeasurementSource
from cxsite.load.csv_files import read_header, wanted_columns
from cxsite.scoring.aggregate import merge_partials, partial_aggregates
from cxsite.scoring.measures import Measure
from cxsite.scoring.observations import Vocabulary, observations_from_table

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

BLOCK_SIZE = 64 * 1024 * 1024


def local_cluster() -> LocalCluster:
    """A cluster of two single-threaded worker processes on this machine."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # Without a dashboard the scheduler still serves /health, on 8787 by default; any
        # free port instead, so that a second cluster does not warn that 8787 is taken.
        scheduler_kwargs={"dashboard_address": ":0"},
        silence_logs=logging.ERROR,
    )


class DaskEngine:
    """A client of the cluster at `scheduler`, or of a local cluster of two worker
    processes, started on first use (a build whose partials are all cached starts none)
    and closed on exit."""

    def __init__(self, scheduler: str | None) -> None:
        self.scheduler = scheduler
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def connect(self) -> Client:
        from distributed import Client

        if self.client is None:
            if self.scheduler:
                self.client = Client(self.scheduler)
            else:
                self.cluster = local_cluster()
                self.client = Client(self.cluster)
        return self.client

    def partials(
        self,
        path: Path,
        source: MeasurementSource,
        measures: tuple[Measure, ...],
        vocabulary: Vocabulary,
    ) -> pd.DataFrame | None:
        """The partials of one CSV, or None when the pandas reader must read it."""
        import dask.dataframe as dd
        from dask.delayed import delayed

        header, error = read_header(path, source.path)
        if error is not None or len(set(header)) != len(header):
            return None
        wanted = wanted_columns(source, measures)
        try:
            # pandas' pyarrow engine parses as the pandas reader does: it refuses a short
            # row, which pandas' own parser would pad with empty cells.
            frame = dd.read_csv(
                str(path),
                engine="pyarrow",
                dtype=str,
                usecols=[c for c in header if c in wanted],
                blocksize=BLOCK_SIZE,
                keep_default_na=False,
            )
        except (ValueError, OSError, UnicodeDecodeError):
            return None
        blocks = [
            delayed(block_partials)(block, header, source, measures, vocabulary)
            for block in frame.to_delayed()
        ]
        client = self.connect()
        try:
            results = client.gather(client.compute(blocks))
        except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError):
            return None  # pyarrow's reader reports where and why
        if any(partials is None for partials in results):
            return None
        return merge_partials(p for p in results if p is not None)


def block_partials(
    block: pd.DataFrame,
    header: list[str],
    source: MeasurementSource,
    measures: tuple[Measure, ...],
    vocabulary: Vocabulary,
) -> pd.DataFrame | None:
    """The partials of one block of a CSV (run on a worker), or None if it has problems."""
    observations, problems = observations_from_table(block, header, 2, source, measures, vocabulary)
    if problems.any:
        return None
    return partial_aggregates(observations)
