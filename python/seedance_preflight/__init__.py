"""seedance-preflight: is this Seedance 2.0 request going to be accepted?

Checks request bodies (and every image, video and audio they point to)
against the service's limits before anything is sent, with the same engine
as the ``seedance-preflight`` command line. Every call releases the GIL.

>>> import seedance_preflight as sp
>>> r = sp.check({"model": "seedance-2.0-text-to-video", "prompt": "a cat", "duration": 16},
...              fetch=False)
>>> r.verdict, [f.code for f in r.findings]
('fail', ['REQ006'])
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass, field
from typing import (Any, AsyncIterable, AsyncIterator, Dict, Iterable, Iterator, List, Mapping,
                    Optional, Sequence, Union)

from . import _native

__all__ = [
    "Asset",
    "Facts",
    "Finding",
    "PreflightError",
    "Report",
    "SettingsError",
    "check",
    "check_async",
    "check_many",
    "check_many_async",
    "probe",
    "probe_async",
    "__version__",
]

__version__: str = _native.version()

Request = Union[Mapping[str, Any], str, bytes, bytearray, "os.PathLike[str]"]


class PreflightError(Exception):
    """Base of the errors this package raises (a misuse of the API, an
    unreadable file). A request that fails its check is a report, never an
    exception."""


class SettingsError(PreflightError, ValueError):
    """Settings the library refuses: an unknown dialect, a bad config file,
    a bad ``fail_on``."""


@dataclass(frozen=True)
class Finding:
    """One finding: a stable code, what was measured, the limit and a fix."""

    code: str
    name: str
    severity: str
    message: str
    pointer: Optional[str]
    line: Optional[int]
    column: Optional[int]
    help: Optional[str]
    asset: Optional[int]
    measured: Optional[Dict[str, Any]]
    limit: Optional[Dict[str, Any]]
    fix: Optional[Dict[str, Any]]

    @classmethod
    def _from(cls, d: Mapping[str, Any]) -> "Finding":
        return cls(
            code=d["code"],
            name=d["name"],
            severity=d["severity"],
            message=d["message"],
            pointer=d.get("location"),
            line=d.get("line"),
            column=d.get("column"),
            help=d.get("help"),
            asset=d.get("asset"),
            measured=d.get("measured"),
            limit=d.get("limit"),
            fix=d.get("fix"),
        )


@dataclass(frozen=True)
class Facts:
    """What the probes read from a media file (the fields of
    ``seedance-preflight probe --format json``); absent fields are None."""

    raw: Dict[str, Any] = field(repr=False)

    def __getattr__(self, name: str) -> Any:
        raw = object.__getattribute__(self, "raw")
        if name in raw:
            return raw[name]
        if name.startswith("_"):
            raise AttributeError(name)
        return None

    @property
    def format(self) -> Optional[str]:
        return self.raw.get("format")

    @property
    def width(self) -> Optional[int]:
        return self.raw.get("width")

    @property
    def height(self) -> Optional[int]:
        return self.raw.get("height")

    @property
    def duration_s(self) -> Optional[float]:
        return self.raw.get("duration_s")

    @property
    def fps(self) -> Optional[float]:
        return self.raw.get("fps")

    @property
    def bytes_read(self) -> Optional[int]:
        return self.raw.get("bytes_read")

    @property
    def error(self) -> Optional[str]:
        return self.raw.get("error")

    def to_dict(self) -> Dict[str, Any]:
        return dict(self.raw)


@dataclass(frozen=True)
class Asset:
    """A media entry of the request, and what was probed of it."""

    field: str
    index: int
    kind: str
    uri: str
    pointer: str
    probe: Optional[Facts]
    accepts: Optional[Dict[str, Any]]
    """What the slot accepts in this request: formats, max_bytes, side,
    ratio, pixels, fps, duration_s, max_length_s (docs/json-format.md)."""

    @classmethod
    def _from(cls, d: Mapping[str, Any]) -> "Asset":
        p = d.get("probe")
        return cls(
            field=d["field"],
            index=d["index"],
            kind=d["kind"],
            uri=d["uri"],
            pointer=d["location"],
            probe=Facts(p) if p is not None else None,
            accepts=d.get("accepts"),
        )


class Report:
    """The report of one request: ``to_dict()`` is the JSON wire format's
    request report (docs/json-format.md). Read lazily: a report whose
    verdict is all that is looked at costs no parsing."""

    __slots__ = ("verdict", "_text", "_raw", "_findings", "_assets")

    def __init__(self, verdict: str, text: Optional[str] = None,
                 raw: Optional[Dict[str, Any]] = None) -> None:
        self.verdict: str = verdict
        self._text = text
        self._raw = raw
        self._findings: Optional[List[Finding]] = None
        self._assets: Optional[List[Asset]] = None

    def _d(self) -> Dict[str, Any]:
        if self._raw is None:
            self._raw = json.loads(self._text or "{}")
        return self._raw

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"

    @property
    def findings(self) -> List[Finding]:
        if self._findings is None:
            self._findings = [Finding._from(f) for f in self._d()["findings"]]
        return self._findings

    @property
    def assets(self) -> List[Asset]:
        if self._assets is None:
            self._assets = [Asset._from(a) for a in self._d()["assets"]]
        return self._assets

    @property
    def predicted(self) -> Optional[Dict[str, Any]]:
        return self._d().get("predicted")

    @property
    def dialect(self) -> Optional[str]:
        return self._d().get("dialect")

    @property
    def model(self) -> Optional[str]:
        return self._d().get("model")

    @property
    def source(self) -> str:
        return self._d()["source"]

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(json.dumps(self._d()))

    def __repr__(self) -> str:
        codes = ", ".join(f.code for f in self.findings)
        return f"Report(verdict={self.verdict!r}, model={self.model!r}, findings=[{codes}])"

    @classmethod
    def _from(cls, d: Dict[str, Any]) -> "Report":
        return cls(d["verdict"], raw=d)


def _settings_json(
    fetch: bool = True,
    dialect: Optional[str] = None,
    config: Optional["os.PathLike[str] | str"] = None,
    fail_on: Optional[str] = None,
    jobs: Optional[int] = None,
    deadline: Optional[float] = None,
    require_urls: bool = False,
    media_root: Optional["os.PathLike[str] | str"] = None,
    allow_loopback: bool = False,
    dialect_files: Sequence["os.PathLike[str] | str"] = (),
) -> str:
    s = {
        "fetch": bool(fetch),
        "dialect": dialect,
        "config": os.fspath(config) if config is not None else None,
        "fail_on": fail_on,
        "jobs": jobs,
        "deadline": deadline,
        "require_urls": bool(require_urls),
        "media_root": os.fspath(media_root) if media_root is not None else None,
        "allow_loopback": bool(allow_loopback),
        "dialect_files": [os.fspath(p) for p in dialect_files],
    }
    return json.dumps(s)


def _settings(*args: Any, **kwargs: Any) -> "_native.Checker":
    try:
        return _native.Checker(_settings_json(*args, **kwargs))
    except ValueError as e:
        raise SettingsError(str(e)) from None


def _check_path(checker: "_native.Checker", path: "os.PathLike[str]") -> Report:
    try:
        doc = json.loads(checker.check_path(os.fspath(path)))
    except OSError as e:
        raise PreflightError(str(e)) from None
    return Report._from(doc["requests"][0])


def _body(request: Request) -> bytes:
    if isinstance(request, (bytes, bytearray)):
        return bytes(request)
    if isinstance(request, str):
        return request.encode("utf-8")
    if isinstance(request, Mapping):
        return json.dumps(request, ensure_ascii=False).encode("utf-8")
    raise TypeError(
        f"a request is a dict, str, bytes or os.PathLike, not {type(request).__name__}"
    )


def check(
    request: Request,
    *,
    fetch: bool = True,
    dialect: Optional[str] = None,
    config: Optional["os.PathLike[str] | str"] = None,
    fail_on: Optional[str] = None,
    jobs: Optional[int] = None,
    deadline: Optional[float] = None,
    require_urls: bool = False,
    media_root: Optional["os.PathLike[str] | str"] = None,
    allow_loopback: bool = False,
    dialect_files: Sequence["os.PathLike[str] | str"] = (),
) -> Report:
    """Checks one request: a dict, a JSON ``str``/``bytes`` body, or the path
    of a ``.json`` file (``os.PathLike``). Media entries are opened or
    fetched unless ``fetch=False``. Broken JSON is a report with REQ001."""
    checker = _settings(fetch, dialect, config, fail_on, jobs, deadline, require_urls,
                        media_root, allow_loopback, dialect_files)
    if isinstance(request, os.PathLike):
        return _check_path(checker, request)
    doc = json.loads(checker.check("request.json", _body(request)))
    return Report._from(doc["requests"][0])


def check_many(
    requests: Iterable[Request],
    *,
    fetch: bool = True,
    dialect: Optional[str] = None,
    config: Optional["os.PathLike[str] | str"] = None,
    fail_on: Optional[str] = None,
    jobs: Optional[int] = None,
    chunk: int = 1024,
    deadline: Optional[float] = None,
    require_urls: bool = False,
    media_root: Optional["os.PathLike[str] | str"] = None,
    allow_loopback: bool = False,
    dialect_files: Sequence["os.PathLike[str] | str"] = (),
) -> Iterator[Report]:
    """Checks requests in order, ``chunk`` at a time (bounded memory for
    any length): every distinct asset is probed once, in parallel on
    ``jobs`` threads — a URL probed in one chunk is not fetched again by a
    later one. Yields one report per request."""
    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    checker = _settings(fetch, dialect, config, fail_on, jobs, deadline, require_urls,
                        media_root, allow_loopback, dialect_files)
    batch: List[bytes] = []

    def run(bodies: List[bytes]) -> Iterator[Report]:
        for verdict, text in checker.check_batch(bodies):
            yield Report(verdict, text)

    for request in requests:
        body = _many_body(request)
        if body is None:
            # Read from its size alone, in its place in the order.
            if batch:
                yield from run(batch)
            batch = []
            yield _check_path(checker, request)  # type: ignore[arg-type]
            continue
        batch.append(body)
        if len(batch) >= chunk:
            yield from run(batch)
            batch = []
    if batch:
        yield from run(batch)


# The largest request file read into memory (the engine's
# MAX_DOCUMENT_BYTES): a larger one is judged from its size alone (REQ018).
_MAX_DOCUMENT_BYTES = 100_000_000


def _many_body(request: Request) -> Optional[bytes]:
    """The body to check, or None for a file too large to read whole."""
    if isinstance(request, os.PathLike):
        with open(request, "rb") as f:
            body = f.read(_MAX_DOCUMENT_BYTES + 1)
        return None if len(body) > _MAX_DOCUMENT_BYTES else body
    return _body(request)


def probe(path_or_bytes: Union["os.PathLike[str]", str, bytes, bytearray],
          *, budget: Optional[int] = None) -> Facts:
    """What the header probes read from a media file (a path) or from bytes,
    within ``budget`` bytes."""
    if isinstance(path_or_bytes, (bytes, bytearray)):
        return Facts(json.loads(_native.probe(None, bytes(path_or_bytes), budget)))
    return Facts(json.loads(_native.probe(os.fspath(path_or_bytes), None, budget)))


# --- asyncio ---------------------------------------------------------------
#
# The engine runs on a worker thread with the GIL released, so the event loop
# keeps serving while a request, a batch or a probe is judged. A cancelled
# await stops waiting at once; the batch already handed to the engine finishes
# on its thread (bounded by ``deadline``) and is dropped.


async def check_async(request: Request, **settings: Any) -> Report:
    """:func:`check` for asyncio: ``await sp.check_async(body, fetch=False)``.
    Takes the same keyword settings."""
    import asyncio

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(check, request, **settings))


async def check_many_async(
    requests: Union[Iterable[Request], AsyncIterable[Request]],
    *,
    chunk: int = 1024,
    **settings: Any,
) -> AsyncIterator[Report]:
    """:func:`check_many` for asyncio: ``async for r in sp.check_many_async(...)``.
    ``requests`` may be an async iterable (a queue, a database cursor); it is
    read ``chunk`` at a time, each chunk judged on a worker thread while the
    event loop runs, and reports come in order. Takes the same keyword
    settings as :func:`check_many`."""
    import asyncio

    if chunk < 1:
        raise ValueError("chunk must be at least 1")
    # The same settings as check_many (an unknown one is a TypeError).
    checker = _settings(**settings)
    loop = asyncio.get_running_loop()

    def run(bodies: List[bytes]) -> List[Report]:
        return [Report(v, t) for v, t in checker.check_batch(bodies)]

    async def items() -> AsyncIterator[Request]:
        if hasattr(requests, "__aiter__"):
            async for r in requests:  # type: ignore[union-attr]
                yield r
        else:
            for r in requests:  # type: ignore[union-attr]
                yield r

    batch: List[bytes] = []
    async for request in items():
        if isinstance(request, os.PathLike):
            # A file is read on a worker thread, like the checks.
            body = await loop.run_in_executor(None, _many_body, request)
        else:
            body = _body(request)
        if body is None:
            if batch:
                for r in await loop.run_in_executor(None, run, batch):
                    yield r
            batch = []
            yield await loop.run_in_executor(None, _check_path, checker, request)
            continue
        batch.append(body)
        if len(batch) >= chunk:
            for r in await loop.run_in_executor(None, run, batch):
                yield r
            batch = []
    if batch:
        for r in await loop.run_in_executor(None, run, batch):
            yield r


async def probe_async(path_or_bytes: Union["os.PathLike[str]", str, bytes, bytearray],
                      *, budget: Optional[int] = None) -> Facts:
    """:func:`probe` for asyncio."""
    import asyncio

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(probe, path_or_bytes,
                                                              budget=budget))
