"""``kinhtedothi coverage`` in words: per event, the articles known, archived (from which sources), refused and
missing, each missing or refused one with why (``pipelines.coverage.report`` gives the figures)."""

from __future__ import annotations

from typing import Any

from kinhtedothi.vocab.dates import utc_time


def _counted(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def _edge(label: str, article: dict[str, Any] | None) -> str | None:
    if not article:
        return None
    return f"  {label}: {(article['published_at'] or '')[:10]}  {article['title']}  {article['url']}"


def _entry(label: str, entry: dict[str, Any], show_all: bool) -> list[str]:
    lines = [f"  {label:<8} {entry['reason'] or '':<15} {entry['url']}"]
    details = [entry.get("detail") or ""]
    if entry.get("last_try"):
        details.append(f"last try {utc_time(entry['last_try'])}")
    if entry.get("learned_at"):
        details.append(f"known since {utc_time(entry['learned_at'])}"
                       + (f" from {entry['learned_from']}" if entry.get("learned_from") else ""))
    if show_all or label == "missing":
        lines.append("           " + "; ".join(d for d in details if d))
    return lines


def render(report: dict[str, Any], show_all: bool = False) -> list[str]:
    """The report as lines of text: one block per event, then the totals."""
    lines: list[str] = []
    for event in report["events"]:
        lines.append(f"{event['name']} ({event['slug']})")
        summary = [f"known {event['known']}", f"archived {event['archived']}"
                   + (f" ({_counted(event['archived_by_source'])})" if event["archived_by_source"] else "")]
        summary.append(f"refused {event['refused_count']}"
                       + (f" ({_counted(event['refused_by_reason'])})" if event["refused_count"] else ""))
        summary.append(f"missing {event['missing_count']}"
                       + (f" ({_counted(event['missing_by_reason'])})" if event["missing_count"] else ""))
        lines.append("  " + ", ".join(summary))
        if event["learned_by_source"]:
            lines.append(f"  listed by: {_counted(event['learned_by_source'])}")
        lines += [line for line in (_edge("oldest", event["oldest"]), _edge("newest", event["newest"])) if line]
        for entry in event["missing"]:
            lines += _entry("missing", entry, show_all)
        for entry in event["refused"]:
            lines += _entry("refused", entry, show_all)
        for entry in event.get("archived_list", []):
            lines.append(f"  archived {', '.join(entry['archived_from']):<15} {entry['url']}  {entry['title']}")
        lines.append("")
    totals = report["totals"]
    lines.append(f"{len(report['events'])} event(s): known {totals['known']}, archived {totals['archived']}, "
                 f"refused {totals['refused_count']}, missing {totals['missing_count']}")
    return lines
