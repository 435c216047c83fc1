"""The site's generations (its publishing systems) and the numberings of its article ids, as data.

Kinh tế & Đô thị changed its CMS in 2022. Each page layout the parsers know belongs to one
generation; each form of article address belongs to one numbering of ids. Identity (which readings
are one story), citation (which address is the one to open today) and removal (whether an old
address gone says anything of the story) read these declarations, never a string compare on a
layout name. A redesign of the site adds one ``Generation`` here and one layout to the parsers.

* ``legacy`` (2018 – early 2022): ``/<slug>-409318.html``, ids numbered by the old CMS;
* ``current`` (2022 – now): ``/<slug>.html`` (no id) and, from 2025, ``/<slug>.692315.html``, ids
  numbered anew by the new CMS (about 692,000 in 2025, while old ids stopped near 440,000 in
  2021): a dot id is never the hyphen id of the same story, and an equal number in the two
  numberings proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Generation:
    name: str          # as stored in article_versions.layout's generation and shown in the docs
    era: int           # order in time: a later generation is the site as it is today
    layouts: tuple[str, ...]   # the page layouts (``articles.layout``) that belong to it
    numbering: str | None      # the numbering of the ids its addresses carry (None: no id)


LEGACY = Generation("legacy", 1, ("legacy",), "legacy")
CURRENT = Generation("current", 2, ("current",), "cms2022")
GENERATIONS = (LEGACY, CURRENT)

# How an address writes its id: the separator before the digits ends in ``.html``.
NUMBERING_BY_SEPARATOR: dict[str, str] = {"-": "legacy", ".": "cms2022"}
assert {LEGACY.numbering, CURRENT.numbering} == set(NUMBERING_BY_SEPARATOR.values())


def generation_of_layout(layout: str | None) -> Generation | None:
    """The generation a page layout belongs to; None for a page read from metadata only."""
    for generation in GENERATIONS:
        if layout in generation.layouts:
            return generation
    return None


def era(layout: str | None) -> int:
    """How recent a layout's generation is (0 when unknown): the newest is the site as it is today."""
    generation = generation_of_layout(layout)
    return generation.era if generation else 0


def newest_era() -> int:
    return max(g.era for g in GENERATIONS)


def is_todays_layout(layout: str | None) -> bool:
    """The layout of the site as it is today (the newest generation)."""
    return era(layout) == newest_era()
