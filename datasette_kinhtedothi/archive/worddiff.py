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
# difflib's work on two sequences is at most (equal pairs) x (shorter length + 1) steps: each of its
# searches for the longest match walks every equal pair once, and there is one search per matching block.
# A comparison whose bound passes WORK_PER_DIFF is shown coarser (whole paragraphs, or the whole text as
# removed and added); a field spends at most WORK_PER_FIELD (about half a second of Python).
WORK_PER_DIFF = 600_000
WORK_PER_FIELD = 1_200_000
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
    """How many (old, new) token pairs are equal."""
    counts = Counter(b)
    return sum(n * counts[t] for t, n in Counter(a).items())


def _work(a: list, b: list) -> int:
    """An upper bound of difflib's steps on ``a`` and ``b``."""
    return _pairs(a, b) * (min(len(a), len(b)) + 1)


def _paragraphs(words: list[str]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    current: list[str] = []
    for word in words:
        if word == PARAGRAPH:
            out.append(tuple(current))
            current = []
        else:
            current.append(word)
    return out + [tuple(current)]


def _flat(paragraphs) -> list[str]:
    return [w for i, p in enumerate(paragraphs) for w in ([PARAGRAPH] if i else []) + list(p)]


class _Budget:
    """What is left of WORK_PER_FIELD; a comparison runs only when its bound fits."""

    def __init__(self) -> None:
        self.left = WORK_PER_FIELD
        self.coarse = False

    def allows(self, a: list, b: list) -> bool:
        work = _work(a, b)
        if work > WORK_PER_DIFF or work > self.left:
            self.coarse = True
            return False
        self.left -= work
        return True


def _opcodes(a: list, b: list):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _words(a: list[str], b: list[str], budget: _Budget) -> list[tuple[str, list[str]]]:
    """Word by word when affordable, else the whole as removed and added."""
    if not a or not b or not budget.allows(a, b):
        return [("del", a), ("ins", b)]
    ops: list[tuple[str, list[str]]] = []
    for tag, i1, i2, j1, j2 in _opcodes(a, b):
        if tag == "equal":
            ops.append(("same", a[i1:i2]))
        else:
            ops += [("del", a[i1:i2]), ("ins", b[j1:j2])]
    return ops


def _between(ops: list, old: list, new: list, budget: _Budget, first: bool) -> None:
    """Replaced paragraphs: side by side when as many changed as came, else as one block."""
    pairs = list(zip(old, new)) if len(old) == len(new) else [(_flat(old), _flat(new))]
    for k, (a, b) in enumerate(pairs):
        if not (first and k == 0):
            ops.append(("same", [PARAGRAPH]))
        ops += _words(list(a), list(b), budget)


def _middle_ops(a: list[str], b: list[str], budget: _Budget) -> list[tuple[str, list[str]]]:
    """Paragraphs first (cheap: few, rarely alike), then the words of the paragraphs that changed."""
    pa, pb = _paragraphs(a), _paragraphs(b)
    if not budget.allows(pa, pb):
        return _words(a, b, budget)
    ops: list[tuple[str, list[str]]] = []
    for tag, i1, i2, j1, j2 in _opcodes(pa, pb):
        first = i1 == 0 and j1 == 0
        lead = [] if first else [PARAGRAPH]
        if tag == "equal":
            ops.append(("same", lead + _flat(pa[i1:i2])))
        elif tag == "delete":
            ops.append(("del", lead + _flat(pa[i1:i2])))
        elif tag == "insert":
            ops.append(("ins", lead + _flat(pb[j1:j2])))
        else:
            _between(ops, pa[i1:i2], pb[j1:j2], budget, first)
    return ops


def diff_ops(old: str | None, new: str | None) -> tuple[list[tuple[str, str]], bool]:
    """[(kind, text)] with kind 'same', 'del' or 'ins', and whether the diff was cut or coarsened."""
    a, b = tokens(old), tokens(new)
    cut = len(a) > MAX_TOKENS or len(b) > MAX_TOKENS
    a, b = a[:MAX_TOKENS], b[:MAX_TOKENS]
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    while head and a[head - 1] != PARAGRAPH and head < min(len(a), len(b)):
        head -= 1  # the common start ends at a paragraph break, so that paragraphs stay whole
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    while tail and a[len(a) - tail] != PARAGRAPH and tail < min(len(a), len(b)) - head:
        tail -= 1
    budget = _Budget()
    middle = _middle_ops(a[head:len(a) - tail], b[head:len(b) - tail], budget)
    ops = [("same", a[:head])] + middle + [("same", a[len(a) - tail:])]
    merged: list[tuple[str, list[str]]] = []
    for kind, words in ops:
        if not words:
            continue
        if merged and merged[-1][0] == kind:
            merged[-1] = (kind, merged[-1][1] + words)
        else:
            merged.append((kind, list(words)))
    return [(kind, _join(words)) for kind, words in merged], cut or budget.coarse


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
