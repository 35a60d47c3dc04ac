"""`ftzkb site build --engine zensical`: the same pages built by Zensical, the successor of
Material for MkDocs (same team, reads mkdocs.yml). Zensical runs no MkDocs hook, so the pages
`ftzkb.site` renders are written out first (`mkdocs_build.export_plain_mkdocs`, with relative
paths and the theme override beside them, in Material's classic look) and Zensical builds them
in a scratch directory; the result is moved into the output directory. MkDocs stays the default
until Zensical passes every site test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..load.version import data_version
from .mkdocs_build import DEFAULT_OUT, BuildFailed, BuildReport, export_plain_mkdocs

ENGINES = ("mkdocs", "zensical")


def zensical_command() -> list[str] | None:
    """How to run Zensical here (its console script beside this Python), or None if not installed."""
    script = Path(sys.executable).with_name("zensical")
    if script.exists():
        return [str(script)]
    found = shutil.which("zensical")
    return [found] if found else None


def build_site_zensical(root: Path, audience: str, out: Path | None = None) -> BuildReport:
    command = zensical_command()
    if command is None:
        raise BuildFailed("没有安装 Zensical（pip install 'ftzkb[zensical]'） / Zensical is not installed")
    out = Path(out or DEFAULT_OUT).resolve()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ftzkb-zensical-") as scratch:
        project = Path(scratch)
        config = export_plain_mkdocs(root, project, audience, self_contained=True)
        # pages carry the data's commit date, never the clock (as the MkDocs hook sets it)
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(data_version(Path(root)).timestamp)}
        result = subprocess.run([*command, "build", "-f", str(config)], cwd=project, env=env, capture_output=True,
                                text=True)
        if result.returncode != 0 or not (project / "site" / "index.html").exists():
            raise BuildFailed((result.stderr or result.stdout).strip()[-4000:])
        if out.exists():
            shutil.rmtree(out)
        shutil.move(str(project / "site"), out)
    html = sum(1 for _ in out.rglob("*.html"))
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return BuildReport(out, html, files, time.perf_counter() - start)
