"""How the app's database connections are set up and checked before reuse.

SQLite: pragmas on every new connection; a file cannot drop a connection, so nothing is checked.
A database server: a connection coming back from the pool is pinged only when it has sat idle,
or when the server has written to it while it sat in the pool.
"""

import select
import time

import sqlalchemy as sa

# A connection used again within this many seconds is pinged only if the server has written to it
# meanwhile. Pinging every checkout (SQLAlchemy's pool_pre_ping) is a round trip on every
# request: 0.25 ms of a lesson step's 2.8 ms on PostgreSQL. A server that ends a connection (a
# restart, pg_terminate_backend) sends its last message and closes the socket, which a system call
# sees without a round trip; a connection that went quiet for long may have been dropped on the
# way (a firewall's idle timeout) without a word, so that one is pinged.
PING_AFTER_IDLE_SECONDS = 2.0


def tune_connections(app, db) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", set_sqlite_pragmas)
    else:
        sa.event.listen(engine, "checkin", note_idle_since)
        dialect = engine.dialect

        @sa.event.listens_for(engine, "checkout")
        def ping_if_idle_or_spoken_to(dbapi_connection, record, _proxy):
            if has_sat_idle(record) or has_word_waiting(dbapi_connection):
                ping(dialect, dbapi_connection)


def set_sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL, a busy timeout, foreign keys and secure delete (erased rows are overwritten with
    zeros, not left in free pages: school/privacy.py)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def note_idle_since(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def has_sat_idle(record) -> bool:
    idle_since = record.info.get("idle_since")  # none: a new connection
    return idle_since is not None and time.monotonic() - idle_since >= PING_AFTER_IDLE_SECONDS


def has_word_waiting(dbapi_connection) -> bool:
    """Whether the server wrote to a connection nobody is using: it ended it, as a rule (a
    notice or a notification is read by the ping, which then succeeds)."""
    fileno = getattr(dbapi_connection, "fileno", None)
    if fileno is None:
        return False
    try:
        poller = select.poll()
        poller.register(fileno(), select.POLLIN)
        return bool(poller.poll(0))
    except Exception:  # no socket left to ask (each driver says so its own way)
        return True  # the ping finds out, and the pool replaces the connection


def ping(dialect, dbapi_connection) -> None:
    """Raising DisconnectionError in a checkout makes the pool drop the connection and check out
    another (a new one when none is left), up to three times."""
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        raise sa.exc.DisconnectionError(f"idle connection failed its ping: {error}") from error
