"""The Dask recipe on a local cluster (threads and processes), when dask is
installed (.ci/run installs it)."""

import importlib.util
import json
import pathlib
import sys

import pytest

pytest.importorskip("dask.bag")

ROOT = pathlib.Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("dask_check", ROOT / "examples/python/dask_check.py")
dask_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dask_check)


@pytest.mark.parametrize("how", ["threads", "local-cluster"])
def test_dask_checks_every_shard_in_order(tmp_path, how):
    if how == "local-cluster":
        distributed = pytest.importorskip("dask.distributed")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=2, processes=False,
                                           dashboard_address=None)
        scheduler = distributed.Client(cluster)
    else:
        scheduler = "threads"
    shards = tmp_path / "in"
    shards.mkdir()
    n = 0
    for s in range(3):
        with open(shards / f"part-{s}.jsonl", "w") as f:
            for i in range(500):
                d = 4 + (n % 14)  # 16 and 17 fail
                f.write(json.dumps({"model": "seedance-2.0-text-to-video",
                                    "prompt": f"shot {n}", "duration": d}) + "\n")
                n += 1
    written = dask_check.run(str(shards / "*.jsonl"), str(tmp_path / "out"), scheduler)
    reports = [json.loads(l) for w in sorted(written) for l in open(w)]
    assert len(reports) == n
    fails = sum(r["verdict"] == "fail" for r in reports)
    assert fails == sum(1 for k in range(n) if 4 + k % 14 > 15)
    assert [r["findings"][0]["code"] for r in reports if r["verdict"] == "fail"][:1] == ["REQ006"]
    if how == "local-cluster":
        scheduler.close()
        cluster.close()
