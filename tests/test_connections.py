"""Database connections: a pooled connection is pinged before reuse only after it sat idle or when
the server wrote to it, and a connection the server ended is replaced without the request seeing
an error."""

import pytest
import sqlalchemy as sa

from dongui import connections, create_app
from dongui.extensions import db
from tests.conftest import PG_SKIP_REASON, PG_URL, base_config


@pytest.fixture
def server_app():
    """An app on PostgreSQL with its own pool (no tables: these tests only connect)."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    app = create_app(base_config(PG_URL))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def pings(server_app, monkeypatch):
    """The pings the app's engine sends, counted."""
    with server_app.app_context():
        dialect = db.engine.dialect
    sent = []
    do_ping = dialect.do_ping

    def counted(dbapi_connection):
        sent.append(dbapi_connection)
        return do_ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


def backend_pid(app) -> int:
    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def test_a_connection_used_again_at_once_is_not_pinged(server_app, pings):
    first = backend_pid(server_app)
    assert backend_pid(server_app) == first  # the same pooled connection, back in use
    assert backend_pid(server_app) == first
    assert pings == []


def test_a_connection_that_sat_idle_is_pinged(server_app, pings, monkeypatch):
    first = backend_pid(server_app)
    monkeypatch.setattr(connections, "PING_AFTER_IDLE_SECONDS", 0)  # every pause counts as idle
    assert backend_pid(server_app) == first
    assert len(pings) == 1


def terminate(pid: int) -> None:
    """End a backend from outside, as a database restart does, and wait until it has gone."""
    engine = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        assert connection.execute(
            sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
        ).scalar_one()


def test_a_connection_dropped_while_idle_is_replaced_before_use(server_app, monkeypatch):
    dropped = backend_pid(server_app)
    terminate(dropped)
    monkeypatch.setattr(connections, "PING_AFTER_IDLE_SECONDS", 0)
    assert backend_pid(server_app) != dropped  # no error: the ping found it closed


def test_a_connection_the_server_ended_moments_ago_is_replaced_before_use(server_app, pings):
    """Not idle long enough to be pinged for that, but the server's last words are waiting on it."""
    dropped = backend_pid(server_app)
    terminate(dropped)
    assert backend_pid(server_app) != dropped  # no error
    assert len(pings) == 1


def test_without_a_look_at_the_socket_that_connection_fails_its_request(server_app, monkeypatch):
    """What the test above relies on: unpinged, a connection the server ended fails the request
    that meets it (once: the pool then starts afresh)."""
    monkeypatch.setattr(connections, "has_word_waiting", lambda _connection: False)
    dropped = backend_pid(server_app)
    terminate(dropped)
    with pytest.raises(sa.exc.OperationalError), server_app.app_context():
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    assert backend_pid(server_app) != dropped


def test_sqlite_connections_are_not_pinged(tmp_path, monkeypatch):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'p.db'}"))
    monkeypatch.setattr(connections, "PING_AFTER_IDLE_SECONDS", 0)
    with app.app_context():
        dialect = db.engine.dialect
        pinged = []
        monkeypatch.setattr(dialect, "do_ping", pinged.append)
        for _ in range(2):
            with db.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        db.engine.dispose()
    assert pinged == []
