"""The architecture holds: imports run web → flows → contexts → adapters → core and never back,
no package has an import cycle inside (import-linter, contracts in pyproject.toml), and almost
every import sits at the top of its module, where a reader looks for it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "flows", "web", "registration", "complaints", "eec_bridge", "bizportal")
# An import inside a function is allowed only with a reason on its line, and only a few.
MAX_LOCAL_IMPORTS = 9


def test_imports_follow_the_layers_and_make_no_cycle() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def _local_imports() -> list[tuple[str, int, str]]:
    """Project imports made inside a function: (file, line, the line's text)."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            source = path.read_text(encoding="utf-8")
            lines = source.splitlines()
            for function in ast.walk(ast.parse(source)):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                        names = [node.module]
                    elif isinstance(node, ast.Import):
                        names = [alias.name for alias in node.names]
                    else:
                        continue
                    if any(name.split(".")[0] in PACKAGES for name in names):
                        found.append((str(path.relative_to(ROOT)), node.lineno,
                                      lines[node.lineno - 1]))
    return sorted(set(found))


def test_few_imports_hide_inside_functions_and_each_says_why() -> None:
    local = _local_imports()
    unexplained = [f"{file}:{line}: {text.strip()}" for file, line, text in local
                   if "#" not in text]
    assert not unexplained, "an import inside a function needs a reason on its line:\n" + \
        "\n".join(unexplained)
    assert len(local) <= MAX_LOCAL_IMPORTS, "\n".join(f"{f}:{n}" for f, n, _ in local)
