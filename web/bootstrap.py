"""Start-up steps shared by `make run`, the tests and the benchmarks."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from core.settings import ROOT


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def migrate() -> None:
    command.upgrade(alembic_config(), "head")


def compiled_catalogs_exist() -> bool:
    locale = Path(__file__).resolve().parent / "locale"
    return all((locale / lang / "LC_MESSAGES" / "messages.mo").exists() for lang in ("th", "en"))
