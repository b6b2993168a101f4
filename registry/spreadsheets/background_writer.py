"""Write batches of rows from a second thread, inside the caller's transaction.

While the database takes in one batch (COPY, the indexes, the triggers), Python
builds the next one instead of waiting: PostgreSQL works on the machine's other core,
and SQLite, which runs inside this process, lets go of Python's lock (the GIL) while
it steps through each statement, row triggers included. The thread writes on the
caller's own connection, so the rows land in the import's transaction; the caller
makes no query of its own until the writer is closed.

On PostgreSQL the foreign keys of the rows written are checked as each batch is
written (SET CONSTRAINTS ALL IMMEDIATE), on the writer's thread while the next batch
is parsed, instead of all at once at the commit; so parents must be written before
the rows that point at them.
"""

import queue
import sys
import threading
from collections.abc import Callable

from django.db import connection, connections

from registry import bulk

SWITCH_INTERVAL = 0.001  # seconds; see __enter__


class BackgroundWriter:
    """``with BackgroundWriter() as writer: writer.write(rows, tuples); writer.then(f)``."""

    def __init__(self) -> None:
        self._later: list[Callable[[], None]] = []
        self._queue: queue.Queue = queue.Queue(maxsize=2)  # batches built ahead
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._work, daemon=True)

    def __enter__(self) -> "BackgroundWriter":
        connection.ensure_connection()
        self._raw = connection.connection
        self._constraints("IMMEDIATE")
        # The caller's thread never waits on I/O while it parses, so it keeps Python's
        # lock (the GIL) for the whole switch interval whenever the writer wakes up to
        # send the next rows or take a result; meanwhile the database has nothing to
        # do. A shorter interval hands the lock over sooner: a 100,000-row import's
        # writer finished ~1.4 s earlier at 1 ms than at Python's default 5 ms.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, SWITCH_INTERVAL))
        self._thread.start()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self._queue.put(None)
        self._thread.join()
        sys.setswitchinterval(self._interval)
        if self._failure is None:  # else the transaction is aborted, to roll back
            self._constraints("DEFERRED")  # as Django creates its foreign keys
        if self._failure is not None and error is None:
            raise self._failure
        if error is None:
            for action in self._later:
                action()

    def write(self, rows: bulk.Rows, tuples: list[tuple]) -> None:
        """Insert ``tuples`` (built by ``rows.row``) into ``rows``' table."""
        self._do(lambda: rows.insert(tuples, on=self._raw))

    def then(self, action: Callable[[], None]) -> None:
        """Run ``action`` once everything written before has been written: on
        PostgreSQL on the writer's thread, which has a database connection of its own
        for it; on SQLite, where a second connection would wait for the import's write
        lock and nobody sees the import's progress before it commits anyway, on the
        caller's thread once the writer is closed."""
        if connection.vendor == "sqlite":
            self._later.append(action)
        else:
            self._do(action)

    def history(self, history: bulk.History, ids: list[int]) -> None:
        """Record the rows ``ids``, written before, in their history table."""
        self._do(lambda: history.insert(ids, on=self._raw))

    def _constraints(self, mode: str) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET CONSTRAINTS ALL {mode}")

    def _do(self, action: Callable[[], None]) -> None:
        if self._failure is not None:
            raise self._failure
        self._queue.put(action)

    def _work(self) -> None:
        try:
            while (action := self._queue.get()) is not None:
                if self._failure is None:
                    try:
                        action()
                    except BaseException as failure:  # raised again in the caller
                        self._failure = failure
        finally:
            connections.close_all()  # this thread's own, opened by a ``then`` action
