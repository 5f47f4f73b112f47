"""Settings: environment, test overrides, the secret key rules and production refusals."""

import os
import stat

import pytest
import sqlalchemy as sa

from dongui import create_app
from dongui.config import ROOT, ConfigurationError, database_in_temporary_folder, ensure_instance_secret_key
from dongui.demo import seed_demo
from dongui.extensions import db
from tests.conftest import TEST_SECRET_KEY, base_config

GOOD_KEY = "k" * 16 + "-production-key-from-the-environment"


@pytest.fixture
def lasting_dir(tmp_path, monkeypatch):
    """A folder the temporary-folder rule treats as lasting, as a production disk would be.

    (The checkout itself may live under /tmp, so the rule's folder list is swapped out.)
    """
    monkeypatch.setattr("dongui.config.TEMPORARY_FOLDERS", ("/nonexistent-temporary",))
    monkeypatch.setattr("dongui.config.tempfile.gettempdir", lambda: "/nonexistent-temporary")
    return tmp_path


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("DONGUI_ENV", "production")
    monkeypatch.setenv("PUBLIC_URL", "https://dongui.example.kr")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    return monkeypatch


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QUICK_EXIT_URL", "https://example.org/weather")
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    monkeypatch.setenv("PASSWORD_HASH_METHOD", "pbkdf2:sha256:2000")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    app = create_app({"TESTING": True})
    assert app.config["QUICK_EXIT_URL"] == "https://example.org/weather"
    assert app.config["TRUSTED_PROXIES"] == 2
    assert app.config["PASSWORD_HASH_METHOD"] == "pbkdf2:sha256:2000"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.db")
    assert app.config["DONGUI_ENV"] == "development"


def test_test_mapping_overrides_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("QUICK_EXIT_URL", "https://example.org/a")
    app = create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}", QUICK_EXIT_URL="https://b.example/"))
    assert app.config["QUICK_EXIT_URL"] == "https://b.example/"


def test_bad_number_in_environment_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "yes")
    with pytest.raises(ConfigurationError, match="TRUSTED_PROXIES must be a whole number"):
        create_app(base_config("sqlite://"))


def test_default_database_is_sqlite_in_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = base_config("ignored")
    del config["SQLALCHEMY_DATABASE_URI"]
    app = create_app(config)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{ROOT / 'instance' / 'dongui.db'}"


def test_sqlite_uses_wal_and_a_busy_timeout(tmp_path):
    app = create_app(base_config(f"sqlite:///{tmp_path / 'wal.db'}"))
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
            assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() == 5000
            assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_missing_key_is_refused_without_the_setup_step(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = base_config(f"sqlite:///{tmp_path / 'x.db'}")
    del config["SECRET_KEY"]
    monkeypatch.setattr("dongui.config.read_instance_secret_key", lambda path: None)
    with pytest.raises(ConfigurationError, match="No SECRET_KEY"):
        create_app(config)


def test_setup_step_creates_the_key_once_and_privately(tmp_path):
    assert ensure_instance_secret_key(tmp_path) is True
    key = (tmp_path / "secret_key").read_text()
    assert len(key) >= 48
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
    assert ensure_instance_secret_key(tmp_path) is False
    assert (tmp_path / "secret_key").read_text() == key


def test_serving_never_generates_a_key(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    created = []
    monkeypatch.setattr("dongui.config.ensure_instance_secret_key", lambda p: created.append(p))
    create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}"))
    assert created == []


# Production ---------------------------------------------------------------------------


def test_production_refuses_a_missing_environment_key(production, lasting_dir):
    with pytest.raises(ConfigurationError, match="needs SECRET_KEY from the environment"):
        create_app(base_config(f"sqlite:///{lasting_dir / 'p.db'}"))


@pytest.mark.parametrize("key", ["change-me", "short-key", "dongui"])
def test_production_refuses_a_weak_key(production, lasting_dir, key):
    production.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match="real SECRET_KEY"):
        create_app(base_config(f"sqlite:///{lasting_dir / 'p.db'}", SECRET_KEY=key))


@pytest.mark.parametrize(
    "url", ["sqlite:///{tmp}/p.db", "sqlite://", "sqlite:///:memory:", "sqlite:////dev/shm/p.db"]
)
def test_production_refuses_a_database_in_a_temporary_folder(production, tmp_path, url):
    production.setenv("SECRET_KEY", GOOD_KEY)
    with pytest.raises(ConfigurationError, match="temporary folder"):
        create_app(base_config(url.format(tmp=tmp_path), SECRET_KEY=GOOD_KEY))


def test_production_refuses_demo_data(production, lasting_dir, monkeypatch):
    url = f"sqlite:///{lasting_dir / 'demo.db'}"
    monkeypatch.setenv("DONGUI_ENV", "development")
    dev = create_app(base_config(url))
    with dev.app_context():
        db.create_all()
        seed_demo("pw-for-demo")
        db.session.commit()
        db.engine.dispose()
    monkeypatch.setenv("DONGUI_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    with pytest.raises(ConfigurationError, match="demo school"):
        create_app(base_config(url, SECRET_KEY=GOOD_KEY))


def test_production_starts_with_safe_settings(production, lasting_dir):
    production.setenv("SECRET_KEY", GOOD_KEY)
    app = create_app(base_config(f"sqlite:///{lasting_dir / 'ok.db'}", SECRET_KEY=GOOD_KEY))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.test_client().get("/healthz").status_code == 200


def test_temporary_folder_detection():
    assert database_in_temporary_folder("sqlite:////tmp/x.db")
    assert database_in_temporary_folder("sqlite:///file::memory:?mode=memory")
    assert not database_in_temporary_folder("sqlite:////srv/dongui/dongui.db")
    assert not database_in_temporary_folder("postgresql+psycopg://u@db/dongui")
