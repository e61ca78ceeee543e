"""Spool: the finished records of a run on disk (SQLite, in input order), so nothing piles up in memory."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

from .record import UnitRecord, from_json


class Spool:
    """Finished ``UnitRecord``s, stored versioned; a record that does not read back is named, never a traceback."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE IF NOT EXISTS result (seq INTEGER PRIMARY KEY, record TEXT)")
        self.added = 0

    def add(self, record: UnitRecord) -> None:
        self.db.execute("INSERT OR REPLACE INTO result VALUES (?, ?)", (record.seq, record.to_json()))
        self.added += 1
        if self.added % 200 == 0:
            self.db.commit()

    def __iter__(self) -> Iterator[UnitRecord]:
        for seq, text in self.db.execute("SELECT seq, record FROM result ORDER BY seq"):
            record = from_json(text)
            if record is None:
                print(f"运行记录中第 {seq} 条无法识别（版本不同），已忽略。", file=sys.stderr)
                continue
            yield record

    def close(self) -> None:
        self.db.close()

    def count(self) -> int:
        count: int = self.db.execute("SELECT COUNT(*) FROM result").fetchone()[0]
        return count

    def get(self, seq: int) -> UnitRecord:
        (text,) = self.db.execute("SELECT record FROM result WHERE seq = ?", (seq,)).fetchone()
        record = from_json(text)
        assert record is not None, "the spool holds only records this version wrote"
        return record
