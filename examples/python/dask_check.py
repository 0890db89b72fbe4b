"""Check a sharded JSONL of requests with Dask: one partition per shard,
``check_many`` per partition (GIL released: the workers' threads run in
parallel), JSONL reports written per partition.

    python examples/python/dask_check.py 'requests/*.jsonl' reports/
"""

from __future__ import annotations

import glob
import json
import os
import sys
from typing import Iterable, Iterator, List

import dask.bag as db

import seedance_preflight as sp


def check_partition(lines: Iterable[str]) -> Iterator[str]:
    """One partition: its lines checked in order, each report as a JSON line."""
    for report in sp.check_many((line for line in lines if line.strip()), fetch=False):
        yield json.dumps(report.to_dict(), ensure_ascii=False)


def run(pattern: str, out: str, scheduler: str = "threads") -> List[str]:
    """Checks every line of the files matching ``pattern``; writes
    ``out/NNN.jsonl`` per partition and returns the files written."""
    files = sorted(glob.glob(pattern))
    if not files:
        raise SystemExit(f"no file matches {pattern}")
    os.makedirs(out, exist_ok=True)
    bag = db.read_text(files).map_partitions(check_partition)
    return bag.to_textfiles(os.path.join(out, "*.jsonl"), scheduler=scheduler)


if __name__ == "__main__":
    written = run(sys.argv[1], sys.argv[2])
    print(f"wrote {len(written)} report files to {sys.argv[2]}")
