"""The work a call does, counted: lines executed, which a loaded machine cannot change (a clock can)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import CodeType
from typing import Any

import datasette_kinhtedothi
import kinhtedothi
import pipelines
import scraper

# Every module of ours counts, wherever the work is: a bound on one module's lines would pass
# vacuously once the work moved to another.
OUR_CODE = tuple(os.path.dirname(package.__file__) + os.sep
                 for package in (kinhtedothi, scraper, pipelines, datasette_kinhtedothi) if package.__file__)


def lines_run(function: Callable[..., Any], *args: Any) -> int:
    """How many lines of our code (any module of kinhtedothi, scraper, pipelines, datasette_kinhtedothi)
    the call ``function(*args)`` executes: an operation count, not a clock.

    Fails when the call ran none (a bound that nothing was measured against proves nothing)."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if ours(frame.f_code):
            if event == "line":
                count += 1
            return tracer
        return None

    sys.settrace(tracer)
    try:
        function(*args)
    finally:
        sys.settrace(None)
    assert count > 0, f"{getattr(function, '__qualname__', function)!s} ran no line of our code: nothing was counted"
    return count


def ours(code: CodeType) -> bool:
    """The code is in one of our packages."""
    return code.co_filename.startswith(OUR_CODE)
