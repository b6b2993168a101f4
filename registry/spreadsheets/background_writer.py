"""Write batches of rows from a second thread, inside the caller's transaction.

PostgreSQL works on the machine's other core: while it takes in one batch (COPY, the
indexes, the statement's triggers), Python builds the next one instead of waiting.
The thread writes on the caller's own connection, so the rows land in the import's
transaction; the caller makes no query of its own until the writer is closed.
SQLite runs inside this process and lets one connection write at a time, so there
the batches are written on the caller's thread, as they come.
"""

import queue
import threading
from collections.abc import Callable

from django.db import connection, connections

from . import bulk


class BackgroundWriter:
    """``with BackgroundWriter() as writer: writer.write(rows, tuples); writer.then(f)``."""

    def __init__(self) -> None:
        self._threaded = connection.vendor == "postgresql"
        self._queue: queue.Queue = queue.Queue(maxsize=2)  # batches built ahead
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._work, daemon=True)

    def __enter__(self) -> "BackgroundWriter":
        if self._threaded:
            connection.ensure_connection()
            self._raw = connection.connection
            self._thread.start()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if self._threaded:
            self._queue.put(None)
            self._thread.join()
        if self._failure is not None and error is None:
            raise self._failure

    def write(self, rows: bulk.Rows, tuples: list[tuple]) -> None:
        """Insert ``tuples`` (built by ``rows.row``) into ``rows``' table."""
        self._do(lambda: rows.insert(tuples, on=self._raw_connection()))

    def then(self, action: Callable[[], None]) -> None:
        """Run ``action`` once everything written before has been written (on the
        writer's thread, which has a database connection of its own for it)."""
        self._do(action)

    def _do(self, action: Callable[[], None]) -> None:
        if self._failure is not None:
            raise self._failure
        if self._threaded:
            self._queue.put(action)
        else:
            action()

    def _raw_connection(self):
        return self._raw if self._threaded else None

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
