"""`python -m bench.profile {submit,name_check} [--requests N] [--top N]`: where the time of
one kind of registration request goes.

The portal runs in this process with FastAPI's threadpool inlined, so one profiler (cProfile)
sees the whole request, middleware and dependencies included; SQL statements per request are
counted from the engine. Profiling inflates absolute times: read the shares here and take
speed from `python -m bench`."""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import os
import pstats
import random
import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench import common, registration

PORTAL_URL = "http://portal.test"  # never leaves the process: the transport is the app itself
PROJECT_PACKAGES = ("registration", "web", "eec_bridge", "bizportal", "chatbot")


def _run_threadpool_inline() -> None:
    """Sync endpoints and dependencies run on the event loop's thread, where cProfile is."""
    import anyio.to_thread

    async def run_sync(func: Callable, *args: object, **_kw: object) -> object:
        return func(*args)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]


class InProcessTransport(httpx.BaseTransport):
    """A synchronous httpx transport over the ASGI app, on one event loop in this thread."""

    def __init__(self, app: object) -> None:
        self._asgi = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self._loop = asyncio.new_event_loop()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def send() -> httpx.Response:
            inner = httpx.Request(request.method, request.url, headers=request.headers,
                                  content=request.read())
            response = await self._asgi.handle_async_request(inner)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return self._loop.run_until_complete(send())

    def close(self) -> None:
        self._loop.close()


_SQL_TARGET = re.compile(
    r"^\s*(?:(SELECT)\b.*?\bFROM\s+(\w+)|(INSERT INTO|UPDATE|DELETE FROM)\s+(\w+))", re.S | re.I)


def _statement_kind(statement: str) -> str:
    """"SELECT application_people", "UPDATE applications" …: what a statement does, to what."""
    if match := _SQL_TARGET.match(statement):
        verb, table = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        return f"{verb.upper()} {table}"
    return " ".join(statement.split()[:2])


def _package_of(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    if str(common.ROOT) in filename:
        return "project:" + filename.removeprefix(str(common.ROOT) + "/")
    return "(python) " + filename.rsplit("/", 1)[-1]


def report(profiler: cProfile.Profile, statements: collections.Counter[str], requests: int,
           elapsed_s: float, top: int) -> None:
    stats = pstats.Stats(profiler)
    by_package: collections.Counter[str] = collections.Counter()
    for (filename, _line, _func), (_cc, _nc, own_s, _cum, _callers) in stats.stats.items():
        by_package[_package_of(filename)] += own_s
    total = sum(by_package.values()) or 1.0
    print(f"{requests} requests, {elapsed_s / requests * 1000:.2f} ms each under the profiler, "
          f"{sum(statements.values()) / requests:.1f} SQL statements each\n")
    print("SQL statements per request:")
    for statement, count in statements.most_common():
        print(f"  {count / requests:5.1f}  {statement}")
    print("\nOwn time by package:")
    for package, own_s in by_package.most_common(top):
        print(f"  {own_s / total:6.1%}  {package}")
    print("\nProject functions by cumulative time:")
    stats.sort_stats("cumulative").print_stats("|".join(PROJECT_PACKAGES) + r"/\w+\.py", top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("request", choices=["submit", "name_check"])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="eec-profile-") as tmp, \
            common.redis_for_run(Path(tmp)) as redis_url:
        env = common.portal_env(Path(tmp), redis_url)
        common.portal_database(env)
        os.environ.update(env)  # this process is now the portal
        _run_threadpool_inline()
        from sqlalchemy import event

        from core.container import build
        from core.runtime import installed
        from web.app import create_app

        rng = random.Random(2568)
        with installed(build(), close=True) as resources, \
                httpx.Client(transport=InProcessTransport(create_app(resources))) as client:
            applicant = registration.Applicant.sign_up(client, PORTAL_URL, "profile@example.com")
            if args.request == "submit":
                drafts = [registration.prepare_draft(applicant, rng)
                          for _ in range(args.requests + 2)]
                calls = [("POST", f"/applications/{d}/submit", {"declaration": True})
                         for d in drafts]
            else:
                queries = registration.name_check_queries(args.requests + 20, rng)
                calls = [("POST", "/names/check", q) for q in queries]
            warmup, measured = calls[: len(calls) - args.requests], calls[-args.requests:]
            for method, path, body in warmup:
                applicant.api(method, path, 200, json=body)

            statements: collections.Counter[str] = collections.Counter()

            @event.listens_for(resources.engine, "before_cursor_execute")
            def _count(_conn, _cursor, statement, *_rest) -> None:  # noqa: ANN001
                statements[_statement_kind(statement)] += 1

            profiler = cProfile.Profile()
            started = time.perf_counter()
            profiler.enable()
            for method, path, body in measured:
                applicant.api(method, path, 200, json=body)
            profiler.disable()
            elapsed = time.perf_counter() - started
            event.remove(resources.engine, "before_cursor_execute", _count)
        report(profiler, statements, len(measured), elapsed, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
