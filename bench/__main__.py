"""`python -m bench [name ...]`: runs every benchmark (or the named ones) and prints one line
per figure, `bench <name> <value> <unit>`, on stdout. Baselines, missed targets and hints go
to stderr. Speed is measured, never asserted: a missed target does not fail the run (a
benchmark that cannot run does).

A benchmark is a module in this package listed in BENCHMARKS, with
`run(workdir: Path) -> list[Figure]` and `TARGETS: list[Target]`."""

from __future__ import annotations

import argparse
import importlib
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.common import Figure, note

BENCHMARKS: dict[str, str] = {
    "registration": "bench.registration",
    "bridge": "bench.bridge",
    "chatbot": "bench.chatbot",
}


def run_one(name: str) -> tuple[list[Figure], list[str]]:
    module = importlib.import_module(BENCHMARKS[name])
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"eec-bench-{name}-") as workdir:
        figures = module.run(Path(workdir))
    note(f"{name}: {time.monotonic() - started:.1f} s")
    by_name = {f.name: f for f in figures}
    misses = [m for t in module.TARGETS if (m := t.missed_by(by_name))]
    return figures, misses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", metavar="name",
                        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    misses: list[str] = []
    failed: list[str] = []
    for name in args.names or list(BENCHMARKS):
        try:
            figures, missed = run_one(name)
        except Exception:  # noqa: BLE001  (one broken benchmark must not hide the others)
            note(f"{name}: FAILED\n{traceback.format_exc()}")
            failed.append(name)
            continue
        for figure in figures:
            print(figure.line(), flush=True)
        misses += missed
    for miss in misses:
        note(miss)
    if failed:
        note(f"benchmarks that did not run to the end: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
