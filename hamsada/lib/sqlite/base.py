"""SQLite, with writers queueing on a file lock instead of in SQLite's busy loop.

A writer that finds SQLite locked sleeps and retries, up to 100 ms a time, so
under a spike a 1 ms transaction waits tens of milliseconds and throughput
collapses. Here every transaction first takes an exclusive flock on a file
beside the database: the kernel hands it to the next writer the moment it is
free. Reads in autocommit take no lock; WAL lets them run beside the writer.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    write_lock = None

    def _lock_path(self):
        name = str(self.settings_dict["NAME"])
        if name == ":memory:" or name.startswith("file:"):
            return None
        return name + ".write-lock"

    def _start_transaction_under_autocommit(self):
        path = self._lock_path()
        if path and self.write_lock is None:
            self.write_lock = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self.write_lock, fcntl.LOCK_EX)
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self):
        if self.write_lock is not None:
            os.close(self.write_lock)  # closing releases the flock
            self.write_lock = None

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            self._release_write_lock()
