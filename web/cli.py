"""Operator commands: `python -m web.cli --help`."""

from __future__ import annotations

import typer
from sqlmodel import Session

import flows  # noqa: F401 - every table and event handler, as in the app
from core.accounts.models import Role
from core.accounts.service import end_sessions, sign_up, user_by_email
from core.errors import Invalid
from core.runtime import get_engine
from eec_bridge.exchange_log import verify
from registration.seed import seed_register as seed
from web.bootstrap import migrate as run_migrations

cli = typer.Typer(help="EEC Business One-Stop operator commands", no_args_is_help=True)


@cli.command()
def migrate() -> None:
    """Apply database migrations (Alembic) up to the newest."""
    run_migrations()
    typer.echo("database is up to date")


@cli.command("seed-register")
def seed_register(count: int = 10_000) -> None:
    """Fill an empty register of company names with generated names (for name checks)."""
    with Session(get_engine()) as session:
        added = seed(session, count)
        session.commit()
    typer.echo(f"register: {added} names added")


@cli.command("create-officer")
def create_officer(email: str, full_name: str, password: str = typer.Option(..., prompt=True,
                   hide_input=True, confirmation_prompt=True), admin: bool = False,
                   estate: str = typer.Option("", help="An estate id from estates.csv: makes "
                                              "an estate operator for that estate's tickets"),
                   lang: str = "th") -> None:
    """Create an EEC officer account (--admin: an administrator; --estate ID: an estate
    operator who handles that industrial estate's complaints)."""
    with Session(get_engine()) as session:
        try:
            role = Role.admin if admin else Role.estate_operator if estate else Role.officer
            user = sign_up(session, email=email, full_name=full_name, password=password,
                           password_confirm=password, consent=True, lang=lang, role=role,
                           estate_id=estate or None)
        except Invalid as exc:
            for err in exc.errors:
                typer.echo(f"{err.field}: {err.key}", err=True)
            raise typer.Exit(2) from exc
        session.commit()
        typer.echo(f"{user.role} account created for {user.email}")


@cli.command("sign-out-everywhere")
def sign_out_everywhere(email: str) -> None:
    """End every session of one account (a lost laptop, a leaked cookie, a leaver)."""
    with Session(get_engine()) as session:
        user = user_by_email(session, email)
        if user is None:
            typer.echo(f"no account for {email}", err=True)
            raise typer.Exit(1)
        end_sessions(session, user)
        session.commit()
        typer.echo(f"every session of {user.email} has ended")


@cli.command("verify-exchange-log")
def verify_exchange_log() -> None:
    """Walk the hash chain of the exchange log; exit 1 and name the first broken link."""
    with Session(get_engine()) as session:
        result = verify(session)
    if result.ok:
        typer.echo(f"exchange log verified: {result.entries} entries, chain intact")
        return
    typer.echo(f"exchange log BROKEN at entry {result.broken_at}: {result.reason}", err=True)
    raise typer.Exit(1)


if __name__ == "__main__":
    cli()
