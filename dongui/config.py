"""Settings from the environment, with safe defaults; a test mapping overrides them."""

import os
import re
import secrets
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from limits import parse

from .clock import system_now


class ConfigurationError(RuntimeError):
    """The settings are unsafe or incomplete; the app refuses to start."""


ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = ROOT / "instance"
SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32
PLACEHOLDER_KEYS = {"change-me", "changeme", "secret", "dev", "development", "dongui"}


def _env_int(name, default):
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}") from exc


def settings_from_environment(instance_path: Path) -> dict:
    """Read every setting Dongui knows from the environment."""
    env = os.environ.get
    production = env("DONGUI_ENV", "development").strip().lower() == "production"
    return {
        "DONGUI_ENV": "production" if production else "development",
        "SECRET_KEY": env("SECRET_KEY") or None,
        "SQLALCHEMY_DATABASE_URI": env("DATABASE_URL") or f"sqlite:///{instance_path / 'dongui.db'}",
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        "QUICK_EXIT_URL": env("QUICK_EXIT_URL", "https://www.weather.go.kr/"),
        # argon2id at 7 MiB, 5 passes, 1 lane: among OWASP's equal settings, the cheapest for a
        # server (about 15 ms of a core here; school/hashing.py).
        "PASSWORD_HASH_METHOD": env("PASSWORD_HASH_METHOD", "argon2id:7168:5:1"),
        # Random one-time passwords (about 49 bits) need less work per guess than a chosen
        # password; they are replaced at first sign-in. Keeps a 1,000-student import fast.
        "ONE_TIME_PASSWORD_HASH_METHOD": env("ONE_TIME_PASSWORD_HASH_METHOD", "scrypt:2048:8:1"),
        # Hashes computed at once on this server, across its workers: one per core. Under gunicorn
        # they run at a lower priority than pages (school/hashing.py), so a class signing in at
        # the bell takes the cores the pages leave. 0: no bound.
        "HASH_CONCURRENCY": _env_int("HASH_CONCURRENCY", os.cpu_count() or 1),
        # Requests of one worker running at once (dongui/gate.py); its other threads wait for a
        # place, or for a hash. 0: no limit.
        "RUNNING_PER_WORKER": _env_int("RUNNING_PER_WORKER", 2),
        "LESSONS_DIR": env("LESSONS_DIR", str(ROOT / "lessons")),
        "QUIZZES_DIR": env("QUIZZES_DIR", str(ROOT / "quizzes")),
        "HELP_DIR": env("HELP_DIR", str(ROOT / "help")),
        "LETTERS_DIR": env("LETTERS_DIR", str(ROOT / "letters")),
        "SURVEYS_DIR": env("SURVEYS_DIR", str(ROOT / "surveys")),
        # The district report is counted again when its figures are older than this (0: always).
        "DISTRICT_REPORT_MAX_AGE_MINUTES": _env_int("DISTRICT_REPORT_MAX_AGE_MINUTES", 10),
        "MAX_CONTENT_LENGTH": _env_int("MAX_UPLOAD_BYTES", 2 * 1024 * 1024),
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "1" if production else "0") == "1",
        # A session ends this long after signing in, whatever the activity.
        "SESSION_LIFETIME_HOURS": _env_int("SESSION_LIFETIME_HOURS", 8),
        # The address people use (https://dongui.example.kr): cards, links and redirects are built
        # from it, never from a request's Host header. Required in production.
        "PUBLIC_URL": (env("PUBLIC_URL") or "").strip().rstrip("/") or None,
        # A ceiling against guessing from many addresses; one address is slowed down much sooner
        # (auth/throttle.py), so a classmate cannot lock anyone out.
        "LOGIN_LIMIT_PER_USERNAME": env("LOGIN_LIMIT_PER_USERNAME", "100 per hour"),
        "LOGIN_LIMIT_PER_ADDRESS": env("LOGIN_LIMIT_PER_ADDRESS", "150 per minute"),
        "JOIN_LIMIT": env("JOIN_LIMIT", "100 per 10 minutes"),  # a whole class behind one school address
        "SIGNUP_LIMIT": env("SIGNUP_LIMIT", "100 per hour"),
        "QUESTION_LIMIT": env("QUESTION_LIMIT", "5 per day"),
        # The question box counts its days (release hour, dates, daily limit) in this zone, fixed
        # at install: a school admin who changes the school's time zone cannot cut a day short.
        "QUESTION_TIMEZONE": env("QUESTION_TIMEZONE", "Asia/Seoul"),
        "CONTENT_STRICT": not running_content_check(),
        # The validated curriculum, kept between starts (dongui/content/cache.py).
        "CONTENT_CACHE_DIR": env("CONTENT_CACHE_DIR", str(instance_path / "content-cache")),
    }


def running_content_check(argv=None) -> bool:
    """`flask content check` must start with broken content, so it can report every problem
    (and `flask translate`, which has nothing to do with lessons, should not stop on them)."""
    argv = sys.argv if argv is None else argv
    if not argv:
        return False
    program = Path(argv[0])  # `flask ...` or `python -m flask ...` (.../flask/__main__.py)
    commands = {"content", "translate"}
    return "flask" in (program.name, program.parent.name) and bool(commands & set(argv[1:]))


FIXED_SETTINGS = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "dongui_session",
    "REMEMBER_COOKIE_DURATION": timedelta(seconds=0),
    "SESSION_IDLE_MINUTES": 30,
    # Sign-in throttling per (username, address): free tries, then waits that double up to a cap.
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_DELAY_MAX_SECONDS": 60,
    "LOGIN_FAILURE_WINDOW_MINUTES": 60,
    "LAST_SEEN_INTERVAL_MINUTES": 5,
    "CLOCK": system_now,
    "RATELIMIT_HEADERS_ENABLED": False,
    # Redis down: each worker counts in memory until Redis answers again (a warning is logged),
    # so sign-in keeps working and stays limited instead of failing with a 500.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,  # the session's idle limit already bounds a form's life
    # Referrer-Policy: no-referrer means browsers send no Referer; the token and SameSite=Lax
    # cookies protect forms, so the https Referer check would refuse every real browser.
    "WTF_CSRF_SSL_STRICT": False,
    "BABEL_DEFAULT_LOCALE": "ko",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Seoul",
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "translations"),
    "LANGUAGES": ("ko", "en"),
}


def load_config(app, test_config=None):
    """Fill app.config: fixed settings, the environment, then the test mapping."""
    app.config.from_mapping(FIXED_SETTINGS)
    app.config.from_mapping(settings_from_environment(Path(app.instance_path)))
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["SECRET_KEY"] is None and not is_production(app.config):
        app.config["SECRET_KEY"] = read_instance_secret_key(Path(app.instance_path))
    check_settings(app.config)


def read_instance_secret_key(instance_path: Path) -> str | None:
    path = instance_path / SECRET_KEY_FILE
    if not path.exists():
        return None
    return path.read_text().strip() or None


def ensure_instance_secret_key(instance_path: Path) -> bool:
    """Create instance/secret_key once (the setup step). Return True if it was created."""
    path = instance_path / SECRET_KEY_FILE
    if path.exists() and path.read_text().strip():
        return False
    instance_path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    return True


def is_production(config) -> bool:
    return config.get("DONGUI_ENV") == "production"


def check_settings(config):
    """Refuse to run with a missing key, or with unsafe settings in production."""
    key = config.get("SECRET_KEY")
    if not key:
        raise ConfigurationError(
            "No SECRET_KEY: set it in the environment, or run `make setup` "
            "(python -m dongui.secret) to create instance/secret_key."
        )
    check_question_settings(config)
    check_public_url(config.get("PUBLIC_URL"))
    check_hash_methods(config)
    if not is_production(config):
        return
    if not config.get("PUBLIC_URL"):
        raise ConfigurationError(
            "DONGUI_ENV=production needs PUBLIC_URL, the address people use "
            "(for example https://dongui.example.kr): sign-in cards and links are built from it."
        )
    if not os.environ.get("SECRET_KEY"):
        raise ConfigurationError(
            "DONGUI_ENV=production needs SECRET_KEY from the environment "
            "(a generated instance/secret_key is for trying Dongui out only)."
        )
    if len(key) < MIN_SECRET_KEY_LENGTH or key.strip().lower() in PLACEHOLDER_KEYS:
        raise ConfigurationError(
            f"DONGUI_ENV=production needs a real SECRET_KEY of at least "
            f"{MIN_SECRET_KEY_LENGTH} random characters "
            '(python3 -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if database_in_temporary_folder(config["SQLALCHEMY_DATABASE_URI"]):
        raise ConfigurationError(
            "DONGUI_ENV=production refuses a database in a temporary folder or in memory: "
            "set DATABASE_URL to PostgreSQL or a lasting SQLite path."
        )


def check_question_settings(config) -> None:
    try:
        ZoneInfo(config["QUESTION_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigurationError(
            f"QUESTION_TIMEZONE must be a time zone name such as Asia/Seoul, not {config['QUESTION_TIMEZONE']!r}"
        ) from exc
    try:
        per_day = parse(config["QUESTION_LIMIT"]).get_expiry() == 24 * 3600
    except ValueError:
        per_day = False
    if not per_day:
        raise ConfigurationError(
            f"QUESTION_LIMIT must be a number per day, such as '5 per day', not {config['QUESTION_LIMIT']!r}"
        )


HASH_METHOD = re.compile(r"^(argon2id:\d+:\d+:\d+|scrypt(:\d+:\d+:\d+)?|pbkdf2:sha256(:\d+)?)$")


def check_hash_methods(config) -> None:
    for setting in ("PASSWORD_HASH_METHOD", "ONE_TIME_PASSWORD_HASH_METHOD"):
        if not HASH_METHOD.match(config[setting]):
            raise ConfigurationError(
                f"{setting} must be argon2id:<memory KiB>:<passes>:<lanes> (e.g. argon2id:7168:5:1), "
                f"scrypt:N:r:p or pbkdf2:sha256:<iterations>, not {config[setting]!r}"
            )


def check_public_url(url: str | None) -> None:
    if url is None:
        return
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ConfigurationError(
            f"PUBLIC_URL must be a scheme and host such as https://dongui.example.kr, not {url!r}"
        )


TEMPORARY_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")


def database_in_temporary_folder(uri: str) -> bool:
    if not uri.startswith("sqlite"):
        return False
    path = uri.split(":///", 1)[1] if ":///" in uri else ""
    if path in ("", ":memory:") or "mode=memory" in uri:
        return True
    resolved = os.path.realpath(path)
    folders = {os.path.realpath(tempfile.gettempdir()), *map(os.path.realpath, TEMPORARY_FOLDERS)}
    return any(resolved == f or resolved.startswith(f + os.sep) for f in folders)
