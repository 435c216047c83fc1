"""What a request that fails says: a clear message and the right status, never a 500 with a traceback
for something the visitor sent or for the state of the archive file (docs/security.md).

``handle_exception`` (Datasette's hook) hands each exception to :func:`explain`; what it does not know
goes on to Datasette's own page (a real bug stays a 500). A request with parameters that fails while
reading them (a value that is not a number or not JSON, a second SQL statement in ``_where``, ``_sort``
with ``_sort_desc``, a ``_through`` without its keys) is answered 400 with the reason: Datasette raises
plain ``ValueError``, ``KeyError`` or ``sqlite3.ProgrammingError`` for those, and its plain traceback still
goes to the server's log. Datasette's printout of every exception with its local variables (0.2 s of CPU a
request) is off (:func:`quiet_datasette_tracebacks`); :func:`log_failure` logs a line, or a bug's traceback.
Requests with a NUL character anywhere in their parameters are refused before
Datasette sees them (:func:`nul_refusal`): SQLite cannot take one in SQL text, and no column name or value
of the archive holds one.
"""

from __future__ import annotations

import logging
import sqlite3
from typing import Any

from datasette.database import QueryInterrupted
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError

from datasette_kinhtedothi.archive.i18n import language
from datasette_kinhtedothi.archive.i18n import gettext as _
from datasette_kinhtedothi.limits import MAX_ANSWER_BYTES, MAX_VALUE_BYTES, SQLITE_HEAP_BYTES, AnswerTooLarge

log = logging.getLogger("datasette_kinhtedothi")
MB = 1024 * 1024
# The messages are the catalogs' failure.* (locale/<lang>/LC_MESSAGES/archive.po).
DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
TOO_BIG_CODE = 18        # SQLITE_TOOBIG


def is_damage(error: BaseException) -> bool:
    """SQLite found the file damaged ("database disk image is malformed", "file is not a database")."""
    if not isinstance(error, sqlite3.DatabaseError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    return (code is not None and code & 0xFF in DAMAGE_CODES) or \
        str(error) in ("database disk image is malformed", "file is not a database")


PARAMETER_ERRORS = (ValueError, KeyError, TypeError, IndexError, sqlite3.ProgrammingError, sqlite3.Warning,
                    DatasetteError)  # Datasette's own "Cannot use _sort and _sort_desc at the same time" is a 500


def explain(error: BaseException, lang: str, with_parameters: bool = False) -> tuple[int, str] | None:
    """(status, message) for an exception a visitor or the file caused; None for anything else.
    ``with_parameters``: the request carried parameters, so a parsing error is theirs."""
    if isinstance(error, AnswerTooLarge):
        return 400, _("failure.too_large", lang, rows=error.rows, mb=MAX_ANSWER_BYTES // MB)
    if isinstance(error, sqlite3.DataError) and (getattr(error, "sqlite_errorcode", None) == TOO_BIG_CODE
                                                 or str(error) == "string or blob too big"):
        return 400, _("failure.value_too_big", lang, mb=MAX_VALUE_BYTES // MB)
    if isinstance(error, QueryInterrupted):  # Datasette's CSV lets it through as a 500
        return 400, _("failure.interrupted", lang)
    if isinstance(error, MemoryError):
        return 503, _("failure.memory", lang, mb=SQLITE_HEAP_BYTES // MB)
    if isinstance(error, (sqlite3.ProgrammingError, ValueError)) and "null character" in str(error):
        return 400, _("failure.nul", lang)
    message = getattr(error, "message", None) or (error.args[0] if error.args else "")
    if isinstance(message, str) and message.startswith("Cannot sort table by "):
        return 400, _("failure.sort", lang, column=message.removeprefix("Cannot sort table by ")[:60])
    if is_damage(error):
        return 503, _("failure.damaged", lang, why=str(error))
    if isinstance(error, DatasetteError) and error.status < 500:
        return None  # Datasette's own 4xx, said in the reader's language by chrome.error_page
    if with_parameters and isinstance(error, PARAMETER_ERRORS):
        why = message if isinstance(error, DatasetteError) else f"{type(error).__name__}: {error}"
        return 400, _("failure.parameters", lang, why=why[:200])
    return None


async def response_for(datasette: Any, request: Any, error: BaseException) -> Response | None:
    """The answer for :func:`explain`'s exceptions: JSON for ``.json``, text for ``.csv``, else a page."""
    explained = explain(error, language(request), bool(request.query_string))
    if explained is None:
        return None
    status, message = explained
    path = request.path
    headers = {"retry-after": "60"} if status == 503 else {}
    if path.endswith(".json"):
        return Response.json({"ok": False, "error": message, "status": status, "title": None}, status=status,
                             headers=headers)
    if path.endswith(".csv"):
        return Response.text(message + "\n", status=status, headers=headers)
    html = await datasette.render_template("error.html", {"ok": False, "error": message, "status": status,
                                                          "title": None}, request=request)
    return Response.html(html, status=status, headers=headers)


def has_nul(query_string: bytes) -> bool:
    return b"%00" in query_string or b"\x00" in query_string


async def nul_refusal(scope: dict[str, Any], send: Any) -> None:
    lang = "en" if b"lang=en" in scope.get("query_string", b"") else "vi"
    body = (_("failure.nul", lang) + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": 400,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def quiet_datasette_tracebacks() -> None:
    """Datasette's own exception hook, which runs for every exception, prints it with ``rich`` and every frame's
    local variables: about 0.2 s of CPU for each refused request or 404, so a visitor sending odd parameters kept
    a core busy with five a second. It prints nothing now; :func:`log_failure` writes what the log needs.
    (Imported here, at start-up: imported before Datasette's plugin manager, that module would be registered
    half-made, without its hook.)"""
    import datasette.handle_exception as datasette_handler

    datasette_handler.rich = None


def status_of(exception: BaseException, answered: int | None) -> int:
    """The status the visitor gets: ours, or Datasette's own for its 4xx, else 500."""
    if answered is not None:
        return answered
    if isinstance(exception, Base400):
        return exception.status
    if isinstance(exception, DatasetteError):
        return exception.status
    return 500


def log_failure(request: Any, exception: BaseException, status: int) -> None:
    """One line for what a visitor or the file caused; the traceback (without local variables) for a real bug."""
    if status >= 500 and not isinstance(exception, (MemoryError, DatasetteError)) and not is_damage(exception):
        log.error("%s %s: %s", status, request.path, type(exception).__name__, exc_info=exception)
    elif status >= 500:
        log.warning("%s %s: %s", status, request.path, str(exception)[:300])
    elif not isinstance(exception, Base400):   # a 404's or 403's line is the server's access log
        log.info("%s %s: %s: %s", status, request.path, type(exception).__name__, str(exception)[:300])
