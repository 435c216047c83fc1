"""The sources a crawl reads, one module each (``live``, ``wayback``, ``commoncrawl``, ``warc``, ``pages``):
``kinhtedothi crawl --source NAME`` asks this registry for everything about a source, and so does the
retry middleware for throttle policies. A new source is a new module here holding a ``SOURCE``
(scraper.sources.base.Source), its ``SourceKind`` in kinhtedothi/vocab/sources.py, its test and its docs.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

import click

from kinhtedothi.vocab.sources import KINDS
from scraper.sources.base import Source
from scraper.throttle import ThrottlePolicy


@cache
def registry() -> dict[str, Source]:
    """Every source, by name, in the order of kinhtedothi.vocab.sources.KINDS."""
    found: dict[str, Source] = {}
    for module in pkgutil.iter_modules(__path__):
        if module.name == "base":
            continue
        source = getattr(importlib.import_module(f"{__name__}.{module.name}"), "SOURCE", None)
        if not isinstance(source, Source):
            raise TypeError(f"{__name__}.{module.name} declares no SOURCE")
        if source.name in found or source.name != module.name:
            raise ValueError(f"{__name__}.{module.name}: its SOURCE is named {source.name!r}")
        found[source.name] = source
    order = list(KINDS)
    return dict(sorted(found.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))


def source(name: str) -> Source:
    return registry()[name]


@cache
def throttle_policies() -> dict[str, ThrottlePolicy]:
    """The throttle policy of every source that has one, by the name requests carry (meta[THROTTLE])."""
    return {s.throttle.name: s.throttle for s in registry().values() if s.throttle is not None}


def options() -> list[click.Parameter]:
    """Every source's options, each once (options several sources read are one object)."""
    seen: dict[str, click.Parameter] = {}
    for each in registry().values():
        for option in each.options:
            if seen.setdefault(str(option.name), option) is not option:
                raise ValueError(f"two different options named {option.name!r}")
    return list(seen.values())


def owners(option_name: str) -> list[str]:
    """The sources that read an option (by its parameter name)."""
    return [name for name, each in registry().items() if any(o.name == option_name for o in each.options)]
