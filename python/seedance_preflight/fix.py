"""Rewriting failing requests and their media so that they pass: ``plan``
says what would be done (and writes nothing), ``execute`` does it."""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional, Sequence, Union

from . import PreflightError, SettingsError, _native, _settings_json

__all__ = ["Plan", "plan", "execute"]


class Plan:
    """A fix plan (docs/fix-format.md): ``to_dict()`` is its wire format."""

    def __init__(self, native: "_native.FixPlan") -> None:
        self._native = native

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(self._native.to_json())

    @property
    def requests(self) -> Any:
        return self.to_dict()["requests"]

    @property
    def jobs(self) -> Any:
        return self.to_dict()["jobs"]


def plan(
    paths: Union[str, "os.PathLike[str]", Sequence[Union[str, "os.PathLike[str]"]]],
    *,
    out: Union[str, "os.PathLike[str]"],
    allow_lossy: bool = False,
    crop: bool = False,
    pad_silence: bool = False,
    fetch: bool = True,
    dialect: Optional[str] = None,
    config: Optional[Union[str, "os.PathLike[str]"]] = None,
    fail_on: Optional[str] = None,
) -> Plan:
    """Plans the fixes of request files (or folders) into ``out``."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    s = _settings_json(fetch, dialect, config, fail_on)
    try:
        native = _native.fix_plan([os.fspath(p) for p in paths], os.fspath(out), s,
                                  allow_lossy, crop, pad_silence)
    except ValueError as e:
        raise SettingsError(str(e)) from None
    except OSError as e:
        raise PreflightError(str(e)) from None
    return Plan(native)


def execute(p: Plan) -> Dict[str, Any]:
    """Runs a plan: writes the new assets and requests under its ``out``
    folder and checks them again. Returns the result's wire format
    (``jobs``, ``requests`` with ``passes`` and ``remaining``)."""
    try:
        return json.loads(p._native.execute())
    except OSError as e:
        raise PreflightError(str(e)) from None
