"""Operator commands: `python -m web.cli --help`."""

from __future__ import annotations

import typer
from sqlmodel import Session

from web.db import get_engine

cli = typer.Typer(help="EEC Business One-Stop operator commands", no_args_is_help=True)


@cli.command()
def migrate() -> None:
    """Apply database migrations (Alembic) up to the newest."""
    from web.bootstrap import migrate as run_migrations

    run_migrations()
    typer.echo("database is up to date")


@cli.command("seed-register")
def seed_register(count: int = 10_000) -> None:
    """Fill an empty register of company names with generated names (for name checks)."""
    from registration.seed import seed_register as seed

    with Session(get_engine()) as session:
        added = seed(session, count)
        session.commit()
    typer.echo(f"register: {added} names added")


if __name__ == "__main__":
    cli()
