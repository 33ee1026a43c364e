"""The portal's static files under names that carry their content's hash (issue 14).

`app.css` is linked as `/static/app.1a2b3c4d.css`: the eight hex digits are the start of the
file's SHA-256, worked out once at start-up. A release that changes the file changes its name,
so browsers may keep a hashed file for a year without asking again (`immutable`), and never
run last release's script against this release's page. The plain name still answers, cached
only until revalidated (web/headers.py), for whatever links it (a bookmark, an old page).

A stylesheet's url(...) references (its fonts) are rewritten to the hashed names of the files
they point at, and the stylesheet is hashed as rewritten: a new font gives the stylesheet a new
name too, and the browser never revalidates a font. The rewritten stylesheet is served by both
its names, from memory.

Vendored files (static/vendor/<name>-<version>/) keep their names: their folder already
carries the version, and web/headers.py already lets them be kept for a year."""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
from email.utils import formatdate
from os import PathLike
from pathlib import Path, PurePosixPath

from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import NotModifiedResponse
from starlette.types import Scope

HASH_LENGTH = 8
IMMUTABLE = "public, max-age=31536000, immutable"
UNHASHED_FOLDERS = ("vendor",)
# url(fonts/a.woff2), url('…') or url("…"); what is inside is the reference.
CSS_URL = re.compile(r"""url\(\s*(?P<quote>['"]?)(?P<ref>[^'")\s]+)(?P=quote)\s*\)""")
# References left as they are: data:, http(s):, protocol-relative and fragment-only ones.
FOREIGN_REF = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


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
        self.rewritten: dict[str, bytes] = {}  # app.css → its text with hashed url(...)s
        files = []
        for root, folders, names in os.walk(directory):
            folders[:] = sorted(f for f in folders if f not in UNHASHED_FOLDERS
                                or Path(root) != directory)
            files += [(Path(root) / name).relative_to(directory).as_posix()
                      for name in sorted(names)]
        self._files = set(files)
        for relative in files:
            self._hash(relative, visiting=set())

    def _hash(self, relative: str, visiting: set[str]) -> str | None:
        """The file's hashed name; a stylesheet's after its references are hashed. None for
        a stylesheet met again while its own references are worked out (a loop)."""
        if relative in self.hashed:
            return self.hashed[relative]
        if relative in visiting:
            return None
        content = (self.directory / relative).read_bytes()
        if relative.endswith(".css"):
            visiting.add(relative)
            content = self._rewrite(relative, content.decode("utf-8"), visiting).encode("utf-8")
            self.rewritten[relative] = content
        hashed = hashed_name(relative, content)
        self.hashed[relative] = hashed
        self.original[hashed] = relative
        return hashed

    def _rewrite(self, stylesheet: str, text: str, visiting: set[str]) -> str:
        folder = posixpath.dirname(stylesheet)

        def hashed_ref(match: re.Match[str]) -> str:
            ref = match["ref"]
            path = re.split(r"[?#]", ref, maxsplit=1)[0]
            suffix = ref[len(path):]  # ?v=2 or #iefix, which the hashed link keeps
            absolute = path.startswith(self.prefix)  # /static/fonts/a.woff2
            if FOREIGN_REF.match(ref) or (path.startswith("/") and not absolute):
                return match[0]
            target = (path[len(self.prefix):] if absolute
                      else posixpath.normpath(posixpath.join(folder, path)))
            hashed = self._hash(target, visiting) if target in self._files else None
            if hashed is None:  # not one of ours (or a loop): left as it is
                return match[0]
            link = self.prefix + hashed if absolute else posixpath.relpath(hashed, folder or ".")
            return f'url("{link}{suffix}")'

        return CSS_URL.sub(hashed_ref, text)

    def url(self, path: str) -> str:
        """The Jinja global `static_url('app.css')`: the hashed URL of a file, or the plain
        one for a file that has no hashed name (a vendored file, or one added since start)."""
        path = path.lstrip("/")
        return self.prefix + self.hashed.get(path, path)


class HashedStaticFiles(StaticFiles):
    """Starlette's static files, which also answer each file's hashed name with the file
    itself and a year-long, immutable Cache-Control; a stylesheet as rewritten."""

    def __init__(self, assets: StaticAssets) -> None:
        super().__init__(directory=assets.directory)
        self.assets = assets
        # By the path lookup_path gives (resolved as Starlette resolves it).
        self.rewritten = {os.path.realpath(assets.directory / relative): content
                          for relative, content in assets.rewritten.items()}

    async def get_response(self, path: str, scope: Scope) -> Response:
        original = self.assets.original.get(PurePosixPath(path).as_posix())
        response = await super().get_response(original or path, scope)
        if original is not None and response.status_code in (200, 304):
            response.headers["Cache-Control"] = IMMUTABLE
        return response

    def file_response(self, full_path: PathLike[str] | str, stat_result: os.stat_result,
                      scope: Scope, status_code: int = 200) -> Response:
        content = self.rewritten.get(os.fspath(full_path))
        if content is None:
            return super().file_response(full_path, stat_result, scope, status_code)
        response = Response(content, status_code=status_code, media_type="text/css", headers={
            "ETag": f'"{hashlib.sha256(content).hexdigest()[:32]}"',
            "Last-Modified": formatdate(stat_result.st_mtime, usegmt=True)})
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response
