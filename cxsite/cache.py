"""A content-addressed build cache in `.cxsite-cache/` (SQLite, from the standard library).

Every entry is keyed by a hash of everything its value depends on, including the cxsite
version, so a hit always gives the bytes a clean build would compute. Anything wrong with
the cache file makes it a miss, never an error.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar, cast

from cxsite import __version__

T = TypeVar("T")
CACHE_DIR = ".cxsite-cache"  # in the project root
CACHE_FILE = "cache.sqlite"


def digest(*parts: str | bytes) -> str:
    """A hash of the parts and the cxsite version (a new version invalidates everything)."""
    hasher = hashlib.sha256(__version__.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


class Memo(Protocol):
    """Where computed values are remembered between builds."""

    def get(self, namespace: str, key: str) -> bytes | None: ...

    def put(self, namespace: str, key: str, value: bytes) -> None: ...

    def has(self, namespace: str, key: str) -> bool:
        """Whether an entry is there (and, for pruning, in use), without reading it."""
        ...

    def reader(self) -> Callable[[], Memo]:
        """How a forked worker process opens its own view of this memo (for reading)."""
        ...

    def replay(self, record: MemoRecord) -> None:
        """Take in what a worker read and wrote, as if this process had done it."""
        ...


# What a worker did with its memo: the entries it found, how many it missed, what it wrote.
MemoRecord = tuple[list[tuple[str, str]], int, list[tuple[str, str, bytes]]]


class NoMemo:
    """Remembers nothing: every value is computed."""

    def get(self, namespace: str, key: str) -> bytes | None:
        return None

    def put(self, namespace: str, key: str, value: bytes) -> None:
        return None

    def has(self, namespace: str, key: str) -> bool:
        return False

    def reader(self) -> Callable[[], Memo]:
        return NoMemo

    def replay(self, record: MemoRecord) -> None:
        return None


class MemoryMemo:
    """Remembers in memory (tests, and one process rebuilding many times)."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], bytes] = {}
        self.hits = 0
        self.misses = 0

    def get(self, namespace: str, key: str) -> bytes | None:
        value = self.values.get((namespace, key))
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def put(self, namespace: str, key: str, value: bytes) -> None:
        self.values[(namespace, key)] = value

    def has(self, namespace: str, key: str) -> bool:
        return (namespace, key) in self.values

    def reader(self) -> Callable[[], Memo]:
        return lambda: self  # a forked worker has its own copy of the values

    def replay(self, record: MemoRecord) -> None:
        found, missed, written = record
        self.hits += len(found)
        self.misses += missed
        for namespace, key, value in written:
            self.put(namespace, key, value)


class SqliteMemo:
    """Remembers in `.cxsite-cache/cache.sqlite`; entries unused by a build are pruned after it.

    Nothing is written until `commit`: what a run computes is kept in memory (the values a
    build holds anyway) and a refused or failed run, which ends with `discard`, leaves the
    cache (and the project) exactly as it was. With `fresh`, the stored entries are not
    read, and a commit replaces them all (`cxsite build --clean`).
    """

    def __init__(self, folder: Path, track_use: bool = True, *, fresh: bool = False) -> None:
        self.folder = folder
        self.path = folder / CACHE_FILE
        self.track_use = track_use  # False: only look (no build follows to prune after)
        self.fresh = fresh
        self.used: set[tuple[str, str]] = set()
        self.pending: dict[tuple[str, str], bytes] = {}
        self.hits = 0
        self.misses = 0
        self.connection: sqlite3.Connection | None = None
        if not fresh and self.path.is_file():
            try:
                self.connection = sqlite3.connect(f"{self.path.as_uri()}?mode=ro", uri=True)
            except sqlite3.Error:
                self.connection = None

    def _stored(self, namespace: str, key: str) -> bytes | None:
        if self.connection is None:
            return None
        try:
            return _select(self.connection, namespace, key)
        except sqlite3.Error:  # a corrupt or foreign file: a miss, replaced at commit
            self._close()
            return None

    def get(self, namespace: str, key: str) -> bytes | None:
        value = self.pending.get((namespace, key))
        if value is None:
            value = self._stored(namespace, key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._mark_used(namespace, key)
        return value

    def put(self, namespace: str, key: str, value: bytes) -> None:
        self.pending[(namespace, key)] = value
        self._mark_used(namespace, key)

    def reader(self) -> Callable[[], Memo]:
        """A forked worker's view: the stored entries and those this run made so far."""
        path = None if self.connection is None else self.path
        made = dict(self.pending)
        return lambda: _SqliteReader(path, made)

    def has(self, namespace: str, key: str) -> bool:
        found = (namespace, key) in self.pending
        if not found and self.connection is not None:
            try:
                row = self.connection.execute(
                    "SELECT 1 FROM entries WHERE namespace = ? AND key = ?", (namespace, key)
                ).fetchone()
            except sqlite3.Error:
                self._close()
                row = None
            found = row is not None
        if found:
            self._mark_used(namespace, key)
        return found

    def keep(self, namespace: str, key: str) -> None:
        """Mark an entry as used by this run without reading it (the caller holds it)."""
        self.hits += 1
        self._mark_used(namespace, key)

    def replay(self, record: MemoRecord) -> None:
        found, missed, written = record
        self.misses += missed
        for namespace, key in found:
            self.hits += 1
            self._mark_used(namespace, key)
        for namespace, key, value in written:
            self.put(namespace, key, value)

    def _mark_used(self, namespace: str, key: str) -> None:
        if self.track_use:
            self.used.add((namespace, key))  # written at commit, in one statement

    def _close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection = None

    def discard(self) -> None:
        """Forget what this run made; the cache stays as it was."""
        self._close()
        self.pending.clear()

    def commit(self, prune: bool) -> None:
        """Write what this run made and which entries it used; with `prune` (a complete
        build), drop the entries it did not use (superseded values)."""
        self._close()
        if not self.pending and not self.used:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.is_file():
                ignore.write_text("*\n")
            try:
                self._write(prune)
            except sqlite3.DatabaseError:  # not a database: start over with this run's entries
                self.path.unlink(missing_ok=True)
                self._write(prune)
        except (OSError, sqlite3.Error):
            pass  # a cache that cannot be written is a slower next build, not an error
        self.pending.clear()

    def _write(self, prune: bool) -> None:
        connection = sqlite3.connect(self.path, timeout=5)
        try:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS entries (namespace TEXT, key TEXT, value BLOB, "
                "PRIMARY KEY (namespace, key))"
            )
            # The generation (build) that last used each entry, apart from the values: marking
            # a row of a large value used would rewrite the value. A build is one generation
            # more than the newest, and prunes what no build of its generation used.
            connection.execute(
                "CREATE TABLE IF NOT EXISTS uses (namespace TEXT, key TEXT, generation INTEGER, "
                "PRIMARY KEY (namespace, key))"
            )
            if self.fresh:
                connection.execute("DELETE FROM entries")
                connection.execute("DELETE FROM uses")
            newest = connection.execute("SELECT COALESCE(MAX(generation), 0) FROM uses")
            generation = int(newest.fetchone()[0]) + 1
            connection.executemany(
                "INSERT OR REPLACE INTO entries (namespace, key, value) VALUES (?, ?, ?)",
                ((namespace, key, value) for (namespace, key), value in self.pending.items()),
            )
            connection.executemany(
                "INSERT OR REPLACE INTO uses (namespace, key, generation) VALUES (?, ?, ?)",
                ((namespace, key, generation) for namespace, key in sorted(self.used)),
            )
            if prune:
                connection.execute(
                    "DELETE FROM entries WHERE NOT EXISTS (SELECT 1 FROM uses WHERE "
                    "uses.namespace = entries.namespace AND uses.key = entries.key "
                    "AND uses.generation = ?)",
                    (generation,),
                )
                connection.execute("DELETE FROM uses WHERE generation < ?", (generation,))
            connection.commit()
        finally:
            connection.close()


def _select(connection: sqlite3.Connection, namespace: str, key: str) -> bytes | None:
    row = connection.execute(
        "SELECT value FROM entries WHERE namespace = ? AND key = ?", (namespace, key)
    ).fetchone()
    return None if row is None else bytes(row[0])


class _SqliteReader:
    """A worker's read-only view of the cache (its own connection, and what the parent had
    made when it forked); any problem is a miss, never a reset."""

    def __init__(self, path: Path | None, made: dict[tuple[str, str], bytes]) -> None:
        self.made = made
        self.connection: sqlite3.Connection | None = None
        if path is not None:
            try:
                self.connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=5)
            except sqlite3.Error:
                self.connection = None

    def get(self, namespace: str, key: str) -> bytes | None:
        value = self.made.get((namespace, key))
        if value is not None or self.connection is None:
            return value
        try:
            return _select(self.connection, namespace, key)
        except sqlite3.Error:
            return None

    def put(self, namespace: str, key: str, value: bytes) -> None:
        return None  # the worker's writes reach the cache through its parent

    def has(self, namespace: str, key: str) -> bool:
        return self.get(namespace, key) is not None

    def reader(self) -> Callable[[], Memo]:
        return NoMemo

    def replay(self, record: MemoRecord) -> None:
        return None


class _Tracing:
    """Passes everything through to a memo, noting each entry read or written."""

    def __init__(self, memo: Memo) -> None:
        self.memo = memo
        self.touched: list[tuple[str, str]] = []

    def get(self, namespace: str, key: str) -> bytes | None:
        self.touched.append((namespace, key))
        return self.memo.get(namespace, key)

    def put(self, namespace: str, key: str, value: bytes) -> None:
        self.touched.append((namespace, key))
        self.memo.put(namespace, key, value)

    def has(self, namespace: str, key: str) -> bool:
        self.touched.append((namespace, key))
        return self.memo.has(namespace, key)

    def reader(self) -> Callable[[], Memo]:
        return self.memo.reader()

    def replay(self, record: MemoRecord) -> None:
        self.memo.replay(record)


RECALLED_BYTES = 16 * 1024  # larger values (pages' HTML) are recalled as being there only


class _Recalling:
    """A build's store with, in front, the entries the last build in this process used:
    small values from memory, larger ones known to be in the store. What this build uses is
    collected for the next one. Every entry recalled is marked as used in the store, so that
    it is not pruned."""

    def __init__(self, store: Memo, recalled: dict[tuple[str, str], bytes | None]) -> None:
        self.store = store
        self.recalled = recalled
        self.used: dict[tuple[str, str], bytes | None] = {}

    def _keep(self, entry: tuple[str, str]) -> None:
        if isinstance(self.store, SqliteMemo):
            self.store.keep(*entry)
        else:
            self.store.has(*entry)

    def _note(self, entry: tuple[str, str], value: bytes) -> None:
        self.used[entry] = value if len(value) <= RECALLED_BYTES else None

    def get(self, namespace: str, key: str) -> bytes | None:
        entry = (namespace, key)
        value = self.recalled.get(entry)
        if value is not None:
            self._keep(entry)
        else:
            value = self.store.get(namespace, key)
        if value is not None:
            self._note(entry, value)
        return value

    def put(self, namespace: str, key: str, value: bytes) -> None:
        self.store.put(namespace, key, value)
        self._note((namespace, key), value)

    def has(self, namespace: str, key: str) -> bool:
        entry = (namespace, key)
        if entry in self.recalled or entry in self.used:
            self._keep(entry)
            self.used.setdefault(entry, self.recalled.get(entry))
            return True
        found = self.store.has(namespace, key)
        if found:
            self.used[entry] = None
        return found

    def reader(self) -> Callable[[], Memo]:
        return self.store.reader()

    def replay(self, record: MemoRecord) -> None:
        self.store.replay(record)


class BuildCache:
    """The one cache a build consults, at its stage boundaries: the inputs' stamps and
    content hashes (is there anything to do?), the measurements' partials, the scores, the
    rendered pages and the output's manifest.

    Entries are kept in a store (`.cxsite-cache/cache.sqlite` for a project) that a build
    opens with `open` and ends with `close`: only a complete build writes to it, so a
    refused or failed one leaves it as it was. A process that builds again (`cxsite serve`,
    which keeps one cache for its lifetime) also has its memory: the latest value of each
    stage (`get_or_make`), what the last build read and parsed (`renew`), and the store's
    entries the last complete build used, recalled before the store is asked (small values
    themselves, larger ones as known to be there). So a rebuild after a save redoes only
    what the edit touched; a command-line build starts with an empty memory. Whatever is
    reused from memory is marked as still in use, so the store does not prune it.
    """

    def __init__(self, open_store: Callable[[bool], Memo], *, hold: bool = True) -> None:
        self._open_store = open_store
        self._hold = hold
        self._held: dict[str, tuple[str, object, list[tuple[str, str]]]] = {}
        self._renewed: dict[str, object] = {}
        self._recalled: dict[tuple[str, str], bytes | None] = {}
        self.memo: Memo = NoMemo()  # the store of the build under way

    @classmethod
    def of_project(cls, root: Path) -> BuildCache:
        """The project's cache in `root/.cxsite-cache/`."""
        folder = root.resolve() / CACHE_DIR
        return cls(lambda fresh: SqliteMemo(folder, fresh=fresh))

    @classmethod
    def none(cls) -> BuildCache:
        """A cache that remembers nothing: every build is a clean build."""
        return cls(lambda fresh: NoMemo(), hold=False)

    @classmethod
    def in_memory(cls, memo: Memo) -> BuildCache:
        """A cache kept in `memo` and in memory (tests)."""
        return cls(lambda fresh: NoMemo() if fresh else memo)

    def open(self, *, fresh: bool = False) -> Memo:
        """Start a build; with `fresh` (`build --clean`), nothing stored or held is reused,
        and a complete build replaces it all."""
        if fresh:
            self._held.clear()
            self._renewed.clear()
            self._recalled = {}
        store = self._open_store(fresh)
        self.memo = _Recalling(store, self._recalled) if self._hold else store
        return self.memo

    def close(self, *, complete: bool, prune: bool = True) -> None:
        """End the build: keep what it made if it was `complete` (and, with `prune`, drop
        the stored entries it did not use), else forget it."""
        memo, self.memo = self.memo, NoMemo()
        if isinstance(memo, _Recalling):
            if complete:  # what the next build in this process may recall
                self._recalled = memo.used
            memo = memo.store
        if isinstance(memo, SqliteMemo):
            if complete:
                memo.commit(prune=prune)
            else:
                memo.discard()

    def renew(self, kind: str, make: Callable[[object | None], T]) -> T:
        """A value made from the one of the same kind the last build in this process made
        (None if none), such as the parsed documents a rebuild need not parse again."""
        value = make(self._renewed.get(kind) if self._hold else None)
        if self._hold:
            self._renewed[kind] = value
        return value

    def get_or_make(self, kind: str, key: str, make: Callable[[Memo], T]) -> T:
        """The value of a stage under `key`: held in memory, else made by `make` (which may
        read and write the store it is given)."""
        held = self._held.get(kind)
        if key and held is not None and held[0] == key:
            for namespace, entry in held[2]:
                self.memo.has(namespace, entry)
            return cast(T, held[1])
        tracing = _Tracing(self.memo)
        value = make(tracing)
        if key and self._hold:
            self._held[kind] = (key, value, tracing.touched)
        return value
