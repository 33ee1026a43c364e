"""The portal's static files under names that carry their content's hash (issue 14).

`app.css` is linked as `/static/app.1a2b3c4d.css`: the eight hex digits are the start of the
file's SHA-256, worked out once at start-up. A release that changes the file changes its name,
so browsers may keep a hashed file for a year without asking again (`immutable`), and never
run last release's script against this release's page. The plain name still answers, cached
only until revalidated (web/headers.py), for whatever links it (a bookmark, an old page).

Vendored files (static/vendor/<name>-<version>/) keep their names: their folder already
carries the version, and web/headers.py already lets them be kept for a year."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath

from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

HASH_LENGTH = 8
IMMUTABLE = "public, max-age=31536000, immutable"
UNHASHED_FOLDERS = ("vendor",)


def hashed_name(relative: str, content: bytes) -> str:
    """`css/app.css` with content C → `css/app.<first 8 hex of sha256(C)>.css`."""
    path = PurePosixPath(relative)
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


class StaticAssets:
    """Each static file's hashed name, and back: read from the folder once, when built."""

    def __init__(self, directory: Path, prefix: str = "/static/") -> None:
        self.directory = directory
        self.prefix = prefix
        self.hashed: dict[str, str] = {}  # app.css → app.1a2b3c4d.css
        self.original: dict[str, str] = {}  # app.1a2b3c4d.css → app.css
        for root, folders, files in os.walk(directory):
            folders[:] = sorted(f for f in folders if f not in UNHASHED_FOLDERS
                                or Path(root) != directory)
            for name in sorted(files):
                path = Path(root) / name
                relative = path.relative_to(directory).as_posix()
                hashed = hashed_name(relative, path.read_bytes())
                self.hashed[relative] = hashed
                self.original[hashed] = relative

    def url(self, path: str) -> str:
        """The Jinja global `static_url('app.css')`: the hashed URL of a file, or the plain
        one for a file that has no hashed name (a vendored file, or one added since start)."""
        path = path.lstrip("/")
        return self.prefix + self.hashed.get(path, path)


class HashedStaticFiles(StaticFiles):
    """Starlette's static files, which also answer each file's hashed name with the file
    itself and a year-long, immutable Cache-Control."""

    def __init__(self, assets: StaticAssets) -> None:
        super().__init__(directory=assets.directory)
        self.assets = assets

    async def get_response(self, path: str, scope: Scope) -> Response:
        original = self.assets.original.get(PurePosixPath(path).as_posix())
        response = await super().get_response(original or path, scope)
        if original is not None and response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        return response
