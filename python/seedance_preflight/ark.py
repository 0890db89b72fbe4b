"""A guard for the official Ark SDK (``volcengine-ark-runtime``): every
``client.content_generation.tasks.create(...)`` is checked before anything
is sent, and a request that would be rejected raises
:class:`RequestRejected` carrying the report — no connection is made.

>>> from volcenginesdkarkruntime import Ark            # doctest: +SKIP
>>> from seedance_preflight.ark import guard           # doctest: +SKIP
>>> client = guard(Ark(api_key=...))                   # doctest: +SKIP
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Optional, TypeVar

from . import PreflightError, Report, check

__all__ = ["RequestRejected", "guard"]

C = TypeVar("C")


class RequestRejected(PreflightError):
    """The request would be rejected by the service; ``report`` says why."""

    def __init__(self, report: Report) -> None:
        self.report = report
        failing = [f for f in report.findings if f.severity == "error"] or report.findings
        lines = "; ".join(f"{f.code} {f.pointer or '/'}: {f.message}" for f in failing)
        super().__init__(f"seedance-preflight: the request would be rejected: {lines}")


# The parameters create() sends besides model and content (None: not sent).
def _body(kwargs: dict) -> dict:
    extra = kwargs.pop("extra_body", None) or {}
    for k in ("extra_headers", "extra_query", "timeout"):
        kwargs.pop(k, None)
    body = {k: v for k, v in kwargs.items() if v is not None}
    body.update(extra)
    return body


def guard(client: C, *, fetch: bool = True, fail_on: Optional[str] = None,
          **settings: Any) -> C:
    """Wraps ``client.content_generation.tasks.create`` (sync or async client)
    so that each call is checked first, as the ark dialect. Returns the
    same client."""
    tasks = client.content_generation.tasks  # type: ignore[attr-defined]
    original: Callable[..., Any] = tasks.create
    if getattr(original, "__seedance_guarded__", False):
        return client

    def judge(kwargs: dict) -> None:
        report = check(_body(dict(kwargs)), dialect="ark", fetch=fetch, fail_on=fail_on,
                       **settings)
        if report.verdict == "fail":
            raise RequestRejected(report)

    import inspect

    if inspect.iscoroutinefunction(original):
        import asyncio

        @functools.wraps(original)
        async def acreate(*args: Any, **kwargs: Any) -> Any:
            await asyncio.to_thread(judge, kwargs)
            return await original(*args, **kwargs)

        acreate.__seedance_guarded__ = True  # type: ignore[attr-defined]
        tasks.create = acreate
    else:

        @functools.wraps(original)
        def create(*args: Any, **kwargs: Any) -> Any:
            judge(kwargs)
            return original(*args, **kwargs)

        create.__seedance_guarded__ = True  # type: ignore[attr-defined]
        tasks.create = create
    return client
