"""Check a sharded JSONL of requests with Ray Data: ``check_many`` per batch
(the GIL is released, so one actor uses every core it is given), reports
written as JSONL.

    pip install 'ray[data]' seedance-preflight
    python examples/python/ray_check.py 'requests/*.jsonl' reports/

Where Ray installs (it is not on every platform), this is run by hand; the
Dask recipe beside it runs in the test suite.
"""

from __future__ import annotations

import glob
import json
import sys

import ray

import seedance_preflight as sp


def check_batch(batch: dict) -> dict:
    texts = list(batch["text"])
    reports = [json.dumps(r.to_dict(), ensure_ascii=False)
               for r in sp.check_many(texts, fetch=False)]
    return {"report": reports}


def main(pattern: str, out: str) -> None:
    files = sorted(glob.glob(pattern))
    ds = ray.data.read_text(files)
    ds.map_batches(check_batch, batch_size=1024).write_json(out)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
