"""Settings from the environment (prefix TRACKER_); the rules of config/ are tracker/rules."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """One settings object; see ../shared/INTERFACE.md for the public names."""

    model_config = SettingsConfigDict(env_prefix="TRACKER_", env_file=".env", extra="ignore")

    database_url: str = ""
    var_dir: Path = Path("var")
    config_dir: Path = ROOT / "config"
    timezone: str = "Asia/Shanghai"
    secret_key: str = ""
    base_url: str = "http://127.0.0.1:8000"
    environment: str = "development"
    log_format: str = "text"  # or "json": one JSON object per line (tracker/logs.py)

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    mail_from: str = "tracker@localhost"

    admin_password: str = ""
    upload_max_bytes: int = 20 * 1024 * 1024
    sqlite_busy_seconds: float = 300  # how long a writer waits for the SQLite write lock
    trusted_proxies: str = ""  # addresses whose X-Forwarded-For is believed (comma-separated); none by default

    # PostgreSQL connection pool per process (tracker/db.py): TRACKER_DB_POOL_SIZE and friends.
    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout: int = 30  # seconds a request waits for a free connection before it fails
    db_pool_recycle: int = 1800  # seconds; reopen older connections (firewalls drop idle ones)

    # Past this many projects in a user's year the dashboard reads variance snapshots (monitoring/board.py).
    dashboard_live_limit: int = 2_000
    # processes writing the self-evaluation workbooks (tracker export self-evaluation); min(CPUs, this)
    export_workers: int = 4

    @property
    def db_url(self) -> str:
        """The configured database, or the embedded SQLite file under var/."""
        if self.database_url:
            return self.database_url
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.var_dir / 'tracker.db').resolve()}"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def resolved_secret_key(self) -> str:
        """The secret key; generated once and kept under var/ for the embedded setup."""
        if self.secret_key:
            return self.secret_key
        if self.environment == "production":
            raise RuntimeError("TRACKER_SECRET_KEY is required in production")
        self.var_dir.mkdir(parents=True, exist_ok=True)
        path = self.var_dir / "secret_key"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        return path.read_text(encoding="utf-8").strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
