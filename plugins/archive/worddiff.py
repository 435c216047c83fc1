"""A word-level diff of two texts, as NewsDiffs and diffengine show edits: removed words in ``<del>``,
added words in ``<ins>``. Pure functions; bounded so that a huge article cannot stall the server.

Words are compared as printed (case and diacritics count: an edit that only fixes a tone mark is an
edit). Paragraph breaks are tokens of their own, so a moved or added paragraph shows as such.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter

from markupsafe import Markup, escape

MAX_TOKENS = 6000   # words (and paragraph breaks) compared per field; the rest is shown as cut
# Equal (old, new) word pairs difflib may weigh per field (its work grows with them): past this, paragraphs
# are compared instead of words, and past it again the whole field shows as removed and added.
PAIR_BUDGET = 40_000
PARAGRAPH = "\n\n"
_TOKEN = re.compile(r"\n\s*\n|\S+")


def tokens(text: str | None) -> list[str]:
    """Words and paragraph breaks: 'a b\\n\\nc' → ['a', 'b', '\\n\\n', 'c']."""
    return [PARAGRAPH if t.isspace() else t for t in _TOKEN.findall(text or "")]


def _join(words: list[str]) -> str:
    out = []
    for i, word in enumerate(words):
        if i and word != PARAGRAPH and words[i - 1] != PARAGRAPH:
            out.append(" ")
        out.append(word)
    return "".join(out)


def _pairs(a: list, b: list) -> int:
    """How many (old, new) token pairs are equal: what difflib's matching costs, roughly."""
    counts = Counter(b)
    return sum(n * counts[t] for t, n in Counter(a).items())


def _paragraphs(words: list[str]) -> list[tuple[str, ...]]:
    out, current = [], []
    for word in words:
        if word == PARAGRAPH:
            out.append(tuple(current))
            current = []
        else:
            current.append(word)
    return out + [tuple(current)]


def _matched(a: list, b: list, flatten=None) -> list[tuple[str, list[str]]]:
    flat = flatten or (lambda items: list(items))
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("same", flat(a[i1:i2])))
            continue
        if i2 > i1:
            ops.append(("del", flat(a[i1:i2])))
        if j2 > j1:
            ops.append(("ins", flat(b[j1:j2])))
    return ops


def _middle_ops(a: list[str], b: list[str]) -> tuple[list[tuple[str, list[str]]], bool]:
    """Word by word when affordable; else paragraph by paragraph; else the whole as removed and added."""
    if _pairs(a, b) <= PAIR_BUDGET:
        return _matched(a, b), False
    pa, pb = _paragraphs(a), _paragraphs(b)
    if _pairs(pa, pb) <= PAIR_BUDGET:
        def flat(paragraphs):
            return [w for i, p in enumerate(paragraphs) for w in ([PARAGRAPH] if i else []) + list(p)]
        return _matched(pa, pb, flat), True
    return [("del", a), ("ins", b)], True


def diff_ops(old: str | None, new: str | None) -> tuple[list[tuple[str, str]], bool]:
    """[(kind, text)] with kind 'same', 'del' or 'ins', and whether the diff was cut or coarsened."""
    a, b = tokens(old), tokens(new)
    cut = len(a) > MAX_TOKENS or len(b) > MAX_TOKENS
    a, b = a[:MAX_TOKENS], b[:MAX_TOKENS]
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    middle, coarse = _middle_ops(a[head:len(a) - tail], b[head:len(b) - tail])
    ops = [("same", a[:head])] + middle + [("same", a[len(a) - tail:])]
    return [(kind, _join(words)) for kind, words in ops if words], cut or coarse


def diff_html(old: str | None, new: str | None) -> tuple[Markup, bool]:
    """The diff as escaped HTML (to show with ``white-space: pre-wrap``), and whether it was cut."""
    ops, cut = diff_ops(old, new)
    parts = []
    for i, (kind, text) in enumerate(ops):
        if i and not text.startswith(PARAGRAPH) and not ops[i - 1][1].endswith(PARAGRAPH):
            parts.append(Markup(" "))
        parts.append(escape(text) if kind == "same" else Markup("<{0}>{1}</{0}>").format(kind, text))
    return Markup("").join(parts), cut


def changed_words(old: str | None, new: str | None) -> tuple[list[str], list[str]]:
    """The words removed and the words added, in order (paragraph breaks left out)."""
    ops, _ = diff_ops(old, new)
    removed = [w for kind, text in ops if kind == "del" for w in tokens(text) if w != PARAGRAPH]
    added = [w for kind, text in ops if kind == "ins" for w in tokens(text) if w != PARAGRAPH]
    return removed, added
