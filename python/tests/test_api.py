"""The Python API against the real extension, real fixture media and the
real command line installed with it."""

import asyncio
import json
import os
import pathlib
import subprocess
import sys
import threading
import time

import pytest

import seedance_preflight as sp
from seedance_preflight import fix

ROOT = pathlib.Path(__file__).resolve().parents[2]
MEDIA = ROOT / "fixtures" / "media"
BAD = {"model": "seedance-2.0-text-to-video", "prompt": "a cat on a roof", "duration": 16}
GOOD = {"model": "seedance-2.0-text-to-video", "prompt": "a cat on a roof", "duration": 5}


def test_a_failing_request_is_a_report_with_its_finding():
    r = sp.check(BAD, fetch=False)
    assert r.verdict == "fail" and not r.passed
    assert [f.code for f in r.findings] == ["REQ006"]
    f = r.findings[0]
    assert (f.name, f.severity, f.pointer) == ("duration-out-of-range", "error", "/duration")
    assert f.measured == {"value": 16, "unit": "s"}
    assert f.limit["max"] == 15
    assert f.fix == {"kind": "set", "pointer": "/duration", "value": 15}
    assert r.dialect == "unified" and r.model == "seedance-2.0-text-to-video"
    assert sp.check(GOOD, fetch=False).verdict == "pass"


def test_str_bytes_and_paths_are_requests_and_to_dict_is_the_cli_wire_format(tmp_path):
    body = json.dumps(BAD)
    assert sp.check(body, fetch=False).to_dict()["findings"] == sp.check(
        body.encode(), fetch=False).to_dict()["findings"]
    p = tmp_path / "bad.json"
    p.write_text(body)
    r = sp.check(p, fetch=False)
    cli = subprocess.run(
        [sys.executable, "-m", "seedance_preflight", "check", "--no-fetch", "--isolated",
         "--format", "json", str(p)],
        capture_output=True, text=True)
    assert cli.returncode == 1, cli.stderr
    assert r.to_dict() == json.loads(cli.stdout)["requests"][0]


def test_broken_json_is_req001_and_misuse_raises():
    r = sp.check(b'{"model": ', fetch=False)
    assert [f.code for f in r.findings] == ["REQ001"]
    with pytest.raises(TypeError):
        sp.check(42, fetch=False)  # type: ignore[arg-type]
    with pytest.raises(sp.SettingsError):
        sp.check(GOOD, dialect="nope")
    with pytest.raises(sp.SettingsError):
        sp.check(GOOD, fail_on="sometimes")
    with pytest.raises(sp.PreflightError):
        sp.check(pathlib.Path("/nonexistent/request.json"))


def test_the_config_a_caller_names_applies(tmp_path):
    cfg = tmp_path / "seedance-preflight.toml"
    cfg.write_text('[severity]\nREQ006 = "warning"\n')
    r = sp.check(BAD, fetch=False, config=cfg)
    assert r.verdict == "pass" and r.findings[0].severity == "warning"


def test_check_many_streams_in_order_and_releases_the_gil():
    n = 40_000
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    t = threading.Thread(target=tick)
    t.start()
    reqs = ({**GOOD, "duration": 4 + i % 14} for i in range(n))
    verdicts = [r.verdict for r in sp.check_many(reqs, fetch=False)]
    stop.set()
    t.join()
    assert len(verdicts) == n
    assert verdicts[:14] == ["pass"] * 12 + ["fail"] * 2
    assert len(ticks) > 20, "the other thread did not run during check_many"


def test_check_many_probes_each_distinct_asset_and_reads_media():
    img = str(MEDIA / "image" / "x-299x400.png")
    reqs = [{"model": "seedance-2.0-image-to-video", "prompt": "image 1 turns",
             "image_urls": [img]}] * 50
    reports = list(sp.check_many(reqs, chunk=20))
    assert all(r.verdict == "fail" for r in reports)
    assert all([f.code for f in r.findings] == ["IMG003"] for r in reports)
    assert reports[0].assets[0].probe.width == 299
    assert reports[0].assets[0].accepts["side"] == [300, 6000]


def test_asyncio_to_thread():
    async def main():
        return await asyncio.gather(*(asyncio.to_thread(sp.check, BAD, fetch=False)
                                      for _ in range(8)))
    assert all(r.verdict == "fail" for r in asyncio.run(main()))


def test_the_async_api_keeps_the_event_loop_running():
    n = 40_000
    bodies = [BAD if i % 2 else GOOD for i in range(n)]

    async def source():
        for b in bodies:
            yield b

    async def main():
        ticks = 0
        done = False

        async def heartbeat():
            nonlocal ticks
            while not done:
                ticks += 1
                await asyncio.sleep(0.001)

        hb = asyncio.create_task(heartbeat())
        verdicts = [r.verdict async for r in sp.check_many_async(source(), fetch=False,
                                                                 chunk=4096)]
        one = await sp.check_async(BAD, fetch=False)
        facts = await sp.probe_async(MEDIA / "image" / "ok-1280x720.jpg")
        done = True
        await hb
        return verdicts, ticks, one, facts

    verdicts, ticks, one, facts = asyncio.run(main())
    assert verdicts == ["fail" if i % 2 else "pass" for i in range(n)]
    # The loop ran while the engine judged: many ticks, not one per chunk.
    assert ticks > 20, ticks
    assert [f.code for f in one.findings] == ["REQ006"]
    assert (facts.width, facts.height) == (1280, 720)


def test_check_many_async_takes_a_plain_iterable_and_paths_in_order(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(BAD))

    async def main():
        return [r async for r in sp.check_many_async([GOOD, p, GOOD], fetch=False, chunk=2)]

    rs = asyncio.run(main())
    assert [r.verdict for r in rs] == ["pass", "fail", "pass"]
    assert [[f.code for f in r.findings] for r in rs] == [[], ["REQ006"], []]
    with pytest.raises(TypeError):
        asyncio.run(_drain(sp.check_many_async([GOOD], fetch=False, colour="red")))


async def _drain(it):
    return [r async for r in it]


def test_probe_paths_and_bytes():
    f = sp.probe(MEDIA / "image" / "ok-1280x720.jpg")
    assert (f.format, f.width, f.height) == ("jpeg", 1280, 720)
    g = sp.probe((MEDIA / "image" / "ok-1280x720.jpg").read_bytes())
    assert (g.width, g.height) == (1280, 720)
    v = sp.probe(MEDIA / "video" / "ok-h264-24fps.mp4")
    assert v.fps == pytest.approx(24, abs=0.01)


def test_fix_plans_and_executes(tmp_path):
    req = tmp_path / "r.json"
    req.write_text(json.dumps({"model": "seedance-2.0-reference-to-video",
                               "prompt": "Image 1 in the rain",
                               "image_urls": [str(MEDIA / "image" / "x-399x1000.png")]}))
    out = tmp_path / "out"
    p = fix.plan(req, out=out)
    assert len(p.jobs) == 1 and p.jobs[0]["kind"] == "image"
    assert not out.exists(), "planning writes nothing"
    done = fix.execute(p)
    assert done["requests"][0]["passes"] is True
    assert sp.check(out / "r.json").verdict == "pass"


def test_the_console_script_is_the_cli(tmp_path):
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(BAD))
    exe = pathlib.Path(sys.executable).with_name("seedance-preflight")
    for cmd in ([str(exe)], [sys.executable, "-m", "seedance_preflight"]):
        r = subprocess.run(cmd + ["check", "--no-fetch", str(p)], capture_output=True, text=True)
        assert r.returncode == 1 and "REQ006" in r.stdout, (cmd, r.stdout, r.stderr)
        r = subprocess.run(cmd + ["rules"], capture_output=True, text=True)
        assert r.returncode == 0 and "REQ001" in r.stdout
        r = subprocess.run(cmd + ["check", "--bogus"], capture_output=True, text=True)
        assert r.returncode == 2


def test_ark_guard_raises_before_any_connection():
    ark = pytest.importorskip("volcenginesdkarkruntime")
    from seedance_preflight.ark import RequestRejected, guard

    # Port 9 (discard) is closed here: a request that got through would fail
    # to connect, with the SDK's own connection error.
    client = guard(ark.Ark(base_url="http://127.0.0.1:9/api/v3", api_key="k", max_retries=0,
                           timeout=5))
    content = [{"type": "text", "text": "A lighthouse at dusk"}]
    with pytest.raises(RequestRejected) as e:
        client.content_generation.tasks.create(model="doubao-seedance-2-0-260128",
                                               content=content, duration=16)
    assert "REQ006" in str(e.value) and e.value.report.verdict == "fail"
    with pytest.raises(Exception) as e:
        client.content_generation.tasks.create(model="doubao-seedance-2-0-260128",
                                               content=content, duration=5)
    assert not isinstance(e.value, RequestRejected)
    assert "onnect" in type(e.value).__name__ + str(e.value)


def test_check_many_fetches_each_url_once_across_chunks():
    import http.server
    import socketserver

    png = (MEDIA / "image" / "ok-1280x720.jpg").read_bytes()
    hits = []

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(png)))
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *a):
            pass

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), H) as srv:
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{srv.server_address[1]}/cat.jpg"
        reqs = [{"model": "seedance-2.0-image-to-video", "prompt": "image 1 turns",
                 "image_urls": [url]}] * 30
        reports = list(sp.check_many(reqs, chunk=7, allow_loopback=True))
        srv.shutdown()
    assert all(r.assets[0].probe.width == 1280 for r in reports)
    assert len(hits) <= 2, hits  # one probe (a Range request, maybe a retry)


def test_the_hook_script_installs_the_wheel_once_and_runs_it(tmp_path):
    """scripts/seedance-preflight (the pre-commit hook's and the Action's
    entry) installs the wheel of its version with pip — here the one just
    built, from a local folder — and two parallel first runs both work."""
    wheels = sorted((ROOT / "target" / "wheels").glob("seedance_preflight-*.whl"))
    if not wheels:
        pytest.skip("no wheel in target/wheels (built by .ci/run)")
    req = tmp_path / "r.json"
    req.write_text(json.dumps(BAD))
    cache = tmp_path / "cache"
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_FIND_LINKS=str(wheels[0].parent),
               SEEDANCE_PREFLIGHT_CACHE=str(cache))
    # The interpreter whose pip installs (the test's venv), first on PATH.
    env["PATH"] = str(pathlib.Path(sys.executable).parent) + os.pathsep + env["PATH"]
    cmd = [str(ROOT / "scripts" / "seedance-preflight"), "check", "--no-fetch", "--isolated",
           "--format", "json", str(req)]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 1, err
        codes = [f["code"] for f in json.loads(out)["requests"][0]["findings"]]
        assert codes == ["REQ006"]
    assert [d.name for d in cache.iterdir()] == [sp.__version__]
    assert (cache / sp.__version__ / "lib" / "seedance_preflight").is_dir()
