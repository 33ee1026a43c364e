"""What `make run` shows of its processes' output (issue 14): each process starting and
stopping, requests, warnings, errors and tracebacks; not TensorFlow's start-up notices about
this machine's CPU and missing GPU, nor the requests that succeed every few seconds while
nothing happens (the relay polling the licence feed, the launcher's start-up checks)."""

from __future__ import annotations

import re
import signal
import sys
from collections.abc import Iterable

# TensorFlow (under Rasa) prints its C++ notices only at this level and above: 2 = errors.
TF_CPP_MIN_LOG_LEVEL = "2"
# What TensorFlow and absl print at start-up whatever the level (or before reading it): notices
# about this machine's CPU and missing GPU, none of which the portal needs.
_TENSORFLOW_NOISE = (
    r"oneDNN custom operations are on", r"TF_ENABLE_ONEDNN_OPTS",
    r"Could not find cuda drivers", r"Unable to register cu(DNN|FFT|BLAS) factory",
    r"TF-TRT Warning: Could not find TensorRT", r"This TensorFlow binary is optimized",
    r"rebuild TensorFlow with the appropriate compiler flags",
    r"All log messages before absl::InitializeLog\(\) is called",
    r"computation placer already registered", r"cuda_(dnn|fft|blas)\.cc:\d+\]",
    r"^[IW]\d{4} [\d:.]+\s+\d+ \S+\.cc:\d+\]",  # absl's own I/W lines
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: [IW] tensorflow/",  # TensorFlow's I/W lines
)
# Requests that succeed over and over while nothing happens: the relay polling the licence
# feed every few seconds, and the launcher's own checks while the stack starts.
_POLLS = (
    r'"GET /api/v1/licence-applications(\?\S*)? HTTP/[\d.]+" 2\d\d',
    r'"GET /_sandbox/stats HTTP/[\d.]+" 200', r'"GET /healthz HTTP/[\d.]+" 200',
)
_NOISE = re.compile("|".join(f"(?:{pattern})" for pattern in (*_TENSORFLOW_NOISE, *_POLLS)))
# honcho's prefix: "12:00:00 rasa.1   | ", then the process's own line.
_HONCHO_PREFIX = re.compile(r"^\d\d:\d\d:\d\d \S+\s*\| ?")


def console_lines(lines: Iterable[str]) -> Iterable[str]:
    """The lines worth showing: every process starting and stopping, requests, warnings,
    errors and tracebacks, without TensorFlow's start-up notices and the successful polls."""
    for line in lines:
        if not _NOISE.search(_HONCHO_PREFIX.sub("", line, count=1)):
            yield line


def show_console(stream: Iterable[bytes]) -> None:
    """Copies honcho's output to this process's, line by line, through console_lines."""
    decoded = (raw.decode("utf-8", "replace").rstrip("\n") for raw in stream)
    for line in console_lines(decoded):
        print(line, flush=True)


def main() -> int:
    """`python -m web.console`, which the launcher runs between honcho and the terminal. It
    ignores Ctrl+C and SIGTERM, which the launcher and honcho answer by stopping the
    processes, and ends when the last of them has closed its output."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)
    try:
        show_console(sys.stdin.buffer)
    except BrokenPipeError:  # the terminal went away: nowhere left to show anything
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
