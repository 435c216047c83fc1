"""Exit statuses of ``kinhtedothi crawl`` (docs/operators.md "Exit statuses")."""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_UNREACHABLE = 3
EXIT_DRIFT = 4
EXIT_INCOMPLETE = 5
EXIT_LOCKED = 75  # EX_TEMPFAIL: another run holds the lock; try later
