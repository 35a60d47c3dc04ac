"""Running MkDocs for `ftzkb site build` and `ftzkb site serve`, and writing the rendered
pages out as a plain MkDocs project (the benchmark's baseline). Together with
`ftzkb.mkdocs_hook` this is all the code that knows about MkDocs."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..paths import CARRIERS_DIRNAME, CASES_DIRNAME, REPO_ROOT
from .context import SYNTHETIC_NOTICE
from .generate import AUDIENCE_ENV, generate, is_synthetic

CONFIG = REPO_ROOT / "mkdocs.yml"
DEFAULT_OUT = REPO_ROOT / "site"


class BuildFailed(Exception):
    pass


@dataclass(frozen=True)
class BuildReport:
    out: Path
    pages: int
    files: int
    seconds: float


@contextlib.contextmanager
def _environment(root: Path, audience: str) -> Iterator[None]:
    """The hook reads the corpus root and audience from the environment."""
    saved = {key: os.environ.get(key)
             for key in ("FTZKB_ROOT", AUDIENCE_ENV, "NO_MKDOCS_2_WARNING", "SOURCE_DATE_EPOCH")}
    os.environ.update({"FTZKB_ROOT": str(root), AUDIENCE_ENV: audience, "NO_MKDOCS_2_WARNING": "1"})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def _quiet_logs() -> Iterator[list[str]]:
    """MkDocs warnings and errors are collected (and shown by the command); jieba's start-up
    chatter is silenced."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(f"{record.levelname}: {record.getMessage()}")

    handler = Collect(logging.WARNING)
    with contextlib.suppress(ImportError):
        import jieba  # noqa: F401 - importing it resets its logger's level, so import it before quieting it
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    jieba_level = logging.getLogger("jieba").level
    logging.getLogger("jieba").setLevel(logging.WARNING)
    try:
        yield messages
    finally:
        mkdocs_log.removeHandler(handler)
        logging.getLogger("jieba").setLevel(jieba_level)


def build_site(root: Path, audience: str, out: Path | None = None, strict: bool = True) -> BuildReport:
    """Build the static site into `out`. Raises BuildFailed with MkDocs' messages."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    out = Path(out or DEFAULT_OUT).resolve()
    start = time.perf_counter()
    with _environment(Path(root).resolve(), audience), _quiet_logs() as messages:
        try:
            config = load_config(config_file=str(CONFIG), site_dir=str(out), strict=strict)
            build(config)
        except (MkDocsException, OSError) as exc:
            details = "\n".join(dict.fromkeys(messages)) or str(exc)
            raise BuildFailed(details) from None
    html = sum(1 for _ in out.rglob("*.html"))
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return BuildReport(out, html, files, time.perf_counter() - start)


def serve_site(root: Path, audience: str, address: str) -> None:
    """MkDocs' development server: rebuilds when cases/, carriers/ or the templates change."""
    from mkdocs.commands.serve import serve

    root = Path(root).resolve()
    handler = logging.StreamHandler()  # MkDocs reports its address and each rebuild
    handler.setFormatter(logging.Formatter("%(levelname)-7s %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    with _environment(root, audience):
        serve(config_file=str(CONFIG), dev_addr=address, livereload=True,
              watch=[str(root / CASES_DIRNAME), str(root / CARRIERS_DIRNAME)])


def export_plain_mkdocs(root: Path, where: Path, audience: str = "public", self_contained: bool = False) -> Path:
    """Write what the hook would add as real files (`where/docs/`) next to a copy of mkdocs.yml
    without the hook (`where/mkdocs.yml`, building into `where/site`): plain MkDocs building the
    very same pages, to measure what ftzkb adds. `self_contained` (for Zensical, which wants
    relative paths) also copies the theme override into `where` and points at everything
    relatively. Returns the config file."""
    where = Path(where).resolve()
    docs = where / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(REPO_ROOT / "docs", docs)
    for path, content in generate(root, audience).files.items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, "utf-8")
    if self_contained:
        shutil.copytree(REPO_ROOT / "site_overrides", where / "site_overrides", dirs_exist_ok=True)
    extra = {"ftzkb_audience": audience, "ftzkb_synthetic": is_synthetic(root)}
    (where / "mkdocs.yml").write_text(_plain_config(where, self_contained, extra), "utf-8")
    return where / "mkdocs.yml"


def _plain_config(where: Path, relative: bool, extra: dict) -> str:
    """mkdocs.yml without the hook (whose work is done), with what the hook would set in `extra`."""
    text = CONFIG.read_text("utf-8")
    text = re.sub(r"^hooks:\n(?:  - .*\n)+", "", text, flags=re.MULTILINE)
    text = re.sub(r"^watch:\n(?:  - .*\n)+", "", text, flags=re.MULTILINE)
    docs, site = ("docs", "site") if relative else (where / "docs", where / "site")
    text = re.sub(r"^docs_dir: .*$", f"docs_dir: {docs}", text, flags=re.MULTILINE)
    text = re.sub(r"^site_dir: .*$", f"site_dir: {site}", text, flags=re.MULTILINE)
    if extra["ftzkb_synthetic"]:
        text = re.sub(r"^site_name: (.*)$", rf"site_name: 【{SYNTHETIC_NOTICE}】\1", text, count=1, flags=re.MULTILINE)
    lines = "".join(f"  {key}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in extra.items())
    text = text.replace("extra:\n", "extra:\n" + lines, 1)
    if relative:
        return text.replace("  name: material\n", "  name: material\n  variant: classic\n", 1)
    return text.replace("custom_dir: site_overrides", f"custom_dir: {REPO_ROOT / 'site_overrides'}")
