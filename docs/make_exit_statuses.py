"""Writes the table of exit statuses in docs/operators.md from the one table the crawl decides them by
(kinhtedothi/vocab/outcomes.py: ExitStatus, STATUS_DOCS and RULES), so that the two cannot disagree.

    .venv/bin/python docs/make_exit_statuses.py          # rewrite the table in docs/operators.md
    .venv/bin/python docs/make_exit_statuses.py --check  # exit 1 when the table is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kinhtedothi.vocab.outcomes import exit_table  # noqa: E402

DOC = ROOT / "docs" / "operators.md"
START = "<!-- exit statuses: written by docs/make_exit_statuses.py from kinhtedothi/vocab/outcomes.py -->"
END = "<!-- end of the exit statuses -->"


def rewritten(text: str) -> str:
    """The document with its table between START and END replaced by the table outcomes.py gives."""
    if START not in text or END not in text:
        raise SystemExit(f"{DOC}: the table's markers are missing ({START} … {END})")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return before + START + "\n" + "\n".join(exit_table()) + "\n" + END + after


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    new = rewritten(text)
    if "--check" in argv:
        if new != text:
            print(f"{DOC.relative_to(ROOT)} is out of date: run .venv/bin/python docs/make_exit_statuses.py",
                  file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
