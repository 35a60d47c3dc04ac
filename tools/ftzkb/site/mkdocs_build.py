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
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..load.audience import Views
from ..paths import CARRIERS_DIRNAME, CASES_DIRNAME, REPO_ROOT
from .context import SYNTHETIC_NOTICE
from .generate import AUDIENCE_ENV, generate, is_synthetic

if TYPE_CHECKING:
    from ..load.model import Corpus

CONFIG = REPO_ROOT / "mkdocs.yml"
DEFAULT_OUT = REPO_ROOT / "site"
# `ftzkb site build` shares a build of this many pages outside the navigation or more with a
# forked copy of itself (`ftzkb.mkdocs_hook._Share`); the environment variable overrides it
# (`off` for one process).
SHARE_ENV = "FTZKB_SHARE_PAGES_FROM"
SHARE_FROM_PAGES = 400


class BuildFailed(Exception):
    pass


@dataclass(frozen=True)
class BuildReport:
    out: Path
    pages: int
    files: int
    seconds: float


@contextlib.contextmanager
def _environment(root: Path, audience: str, shared: bool = False) -> Iterator[None]:
    """The hook reads the corpus root and audience (and whether to share the build) from the
    environment."""
    saved = {key: os.environ.get(key)
             for key in ("FTZKB_ROOT", AUDIENCE_ENV, "NO_MKDOCS_2_WARNING", "SOURCE_DATE_EPOCH", SHARE_ENV)}
    os.environ.update({"FTZKB_ROOT": str(root), AUDIENCE_ENV: audience, "NO_MKDOCS_2_WARNING": "1"})
    if shared:
        os.environ.setdefault(SHARE_ENV, str(SHARE_FROM_PAGES))
    else:
        os.environ.pop(SHARE_ENV, None)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class MessageCollector(logging.Handler):
    """Keeps the messages of warnings and errors in a list (`with_level`: each after its level)."""

    def __init__(self, into: list[str], with_level: bool = False) -> None:
        super().__init__(logging.WARNING)
        self.into, self.with_level = into, with_level

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        self.into.append(f"{record.levelname}: {message}" if self.with_level else message)


@contextlib.contextmanager
def _quiet_logs() -> Iterator[list[str]]:
    """MkDocs warnings and errors are collected (and shown by the command); jieba's start-up
    chatter is silenced."""
    messages: list[str] = []
    handler = MessageCollector(messages, with_level=True)
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
    with _environment(Path(root).resolve(), audience, shared=True), _quiet_logs() as messages:
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
    """The preview server (`Preview`): MkDocs' live-reload server, showing an edited case or
    carrier within seconds while the whole site is rebuilt beside it."""
    from mkdocs.livereload import LiveReloadServer

    root = Path(root).resolve()
    handler = logging.StreamHandler()  # MkDocs reports its address and each rebuild
    handler.setFormatter(logging.Formatter("%(levelname)-7s %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    base = Path(tempfile.mkdtemp(prefix="ftzkb-preview-"))
    try:
        with _environment(root, audience):
            preview = Preview(root, audience, base, address)
            preview.start()
            host, port = preview.config.dev_addr
            server = LiveReloadServer(builder=preview.rebuild, host=host, port=port, root=str(preview.link))
            for watched in (root / CASES_DIRNAME, root / CARRIERS_DIRNAME, CONFIG, REPO_ROOT / "docs",
                            REPO_ROOT / "site_overrides", REPO_ROOT / "schema", Path(__file__).parent,
                            preview.signal.parent):
                if watched.exists():
                    server.watch(str(watched))
            try:
                with _terminate_as_interrupt():
                    server.serve()
            except KeyboardInterrupt:
                logging.getLogger("mkdocs").info("Shutting down...")
            finally:
                server.shutdown()
                preview.stop()
    finally:
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a service manager, a test, `kill`) stops the server as Ctrl-C does: its temporary
    builds are removed and a background build is stopped."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


PREVIEW_LOG = logging.getLogger("mkdocs.ftzkb.preview")


class _Capture:
    """Keeps what a build made that rendering one page again needs: files, navigation, templates."""

    def __init__(self) -> None:
        self.files: Any = None
        self.nav: Any = None
        self.env: Any = None

    def on_nav(self, nav: Any, **kwargs: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, *, files: Any, **kwargs: Any) -> Any:
        self.env, self.files = env, files
        return env


class Preview:
    """The builder of `ftzkb site serve`.

    The server serves `link`, a symbolic link to one of two build directories. After a save that
    changed only existing case or carrier files, the quick lane renders those records' pages and
    API documents alone into the served directory, through the navigation and templates of the
    last build made in this process, and returns at once (the browser reloads). A whole build of
    the site (`ftzkb site build`, another process) is then made into the other directory; when it
    is done the link is switched to it and the browser reloads again, so every index, the matrix
    and the statistics follow without the server ever waiting for them. Anything else (a file
    added or removed, a template, the configuration, data errors) is a whole build here, as
    `mkdocs serve` does it."""

    def __init__(self, root: Path, audience: str, base: Path, address: str) -> None:
        self.root, self.audience, self.address = root, audience, address
        self.link, self.dirs = base / "current", (base / "a", base / "b")
        self.signal = base / "signal" / "ready"  # touched when a whole build in the background is done
        self.signal.parent.mkdir()
        self.config: Any = None
        self.capture: _Capture | None = None
        self.hashes: dict[str, str] = {}  # the data files as the served directory shows them
        self.background: subprocess.Popen | None = None
        self.background_hashes: dict[str, str] = {}  # the data files as the background build read them
        self.finished: tuple[Path, int] | None = None  # a background build's directory and exit code
        self.lock = threading.Lock()  # background and finished are also set by the thread awaiting the build
        self.corpus: Corpus | None = None  # the data as the served pages show it, or nearly (see `quick`)
        self.views = Views()  # public records kept from one quick update to the next

    @property
    def served(self) -> Path:
        return self.link.resolve()

    def start(self) -> None:
        self._build_here(self.dirs[0])

    def stop(self) -> None:
        self._stop_background()
        if self.config is not None:
            self.config.plugins.on_shutdown()

    def rebuild(self) -> None:
        """Called by the server after a watched file changed, or a background build finished."""
        switched = self._take_background_build()
        hashes = data_hashes(self.root)
        changed = {name for name in hashes.keys() | self.hashes.keys() if hashes.get(name) != self.hashes.get(name)}
        if switched and not changed:
            return  # the browser reloads onto the new build
        started = time.perf_counter()
        updated = self.quick(changed, hashes) if changed else 0
        if not updated:  # a template, the configuration, a file added or removed: everything, now
            self._stop_background()
            try:
                self._build_here(self._other())
            except BuildFailed as exc:  # the last good build stays served
                PREVIEW_LOG.error(f"站点构建失败，仍显示上一次的结果 / site build failed, the last one is still "
                                  f"served:\n{exc}")
            return
        self.hashes = hashes
        PREVIEW_LOG.info(f"快速更新 {updated} 个文件（{time.perf_counter() - started:.2f} 秒）；整个站点在后台重建 / "
                         f"updated {updated} files quickly; the whole site is being rebuilt in the background")
        if self.background is None:
            self._build_in_background()

    def quick(self, changed: set[str], hashes: dict[str, str]) -> int:
        """Render the pages of the records in these changed files; 0 if a whole build is needed."""
        from ..load.loader import data_file_name
        from .generate import site_from
        from .render import RECORD_PRODUCERS, produce

        if self.capture is None or any(name not in hashes or name not in self.hashes for name in changed):
            return 0  # a file added or removed: other pages link to it or stop linking
        corpus = self._updated(changed)
        if corpus is None:
            return 0
        site, _ = site_from(self.root, corpus, self.audience, self.views)
        records = {data_file_name(r.path): r.id for r in [*site.corpus.cases.values(), *site.corpus.carriers.values()]}
        if not changed <= records.keys():
            return 0  # a record this audience no longer sees
        site.focus = frozenset(records[name] for name in changed)
        written = self._render(dict(produce(site, RECORD_PRODUCERS)))
        if written:
            self.corpus = corpus
        return written

    def _updated(self, changed: set[str]) -> Corpus | None:
        """The corpus last shown with the changed files loaded again (each alone: the others are
        as they were); None when a whole build must decide (an error, an id that changed)."""
        from ..diagnostics import ERROR
        from ..load.loader import data_file_name, load_record
        from ..load.model import Case, Corpus

        if self.corpus is None:
            return None
        cases, carriers = dict(self.corpus.cases), dict(self.corpus.carriers)
        by_file = {data_file_name(r.path): r for r in [*cases.values(), *carriers.values()]}
        for name in changed:
            old = by_file.get(name)
            record, problems = load_record(self.root / name, self.root)
            if old is None or record is None or record.id != old.id or type(record) is not type(old) or \
                    any(d.severity == ERROR for d in problems):
                return None
            (cases if isinstance(record, Case) else carriers)[record.id] = record  # type: ignore[assignment]
        return Corpus(self.root, cases, carriers)

    def _render(self, produced: dict[str, str | bytes]) -> int:
        from mkdocs.commands.build import _build_page, _populate_page
        from mkdocs.structure.files import InclusionLevel

        assert self.capture is not None
        config, files, nav, env = self.config, self.capture.files, self.capture.nav, self.capture.env
        served = self.served
        pages = []
        for path, content in produced.items():
            if path.endswith(".md"):
                file = files.get_file_from_path(path)
                if file is None or file.page is None or not isinstance(content, str):
                    return 0
                file.content_string = content
                file.abs_dest_path = str(served / file.dest_uri)  # the directory served now
                pages.append(file.page)
        hook = _hook_module(config)
        hook.open_spill()
        try:
            doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
            for page in pages:
                _populate_page(page, config, files)
                _build_page(page, config, doc_files, nav, env)
        finally:
            hook.close_spill()
        for path, content in produced.items():
            if not path.endswith(".md"):
                (served / path).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return len(produced)

    def _build_here(self, target: Path) -> None:
        """A whole build in this process (the server waits for it), then served."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config
        from mkdocs.exceptions import MkDocsException

        config = load_config(config_file=str(CONFIG), site_dir=str(target), dev_addr=self.address)
        if self.config is None:
            config.plugins.on_startup(command="serve", dirty=False)
        capture = _Capture()
        config.plugins["ftzkb-preview"] = capture
        hashes = data_hashes(self.root)
        self.capture = None  # until the build succeeds, no quick lane
        with _quiet_logs() as messages:
            try:
                build(config)
            except (MkDocsException, OSError) as exc:
                raise BuildFailed("\n".join(dict.fromkeys(messages)) or str(exc)) from None
        for file in capture.files.documentation_pages():  # written out: the quick lane renders its pages afresh
            if file.page is not None:  # (the title stays known: the footer names the pages beside one)
                file.page.markdown, file.page.content = "", None
        self.config, self.capture, self.hashes = config, capture, hashes
        self.corpus, self.views = self._loaded(), Views()
        self._serve(target)

    def _loaded(self) -> Corpus | None:
        """The corpus as the build just made read it (the quick lane then loads changed files alone)."""
        from ..load.loader import load_corpus

        result = load_corpus(self.root)
        return None if result.has_errors else result.corpus

    def _build_in_background(self) -> None:
        target = self._other()
        self.background_hashes = data_hashes(self.root)
        process = subprocess.Popen(
            [sys.executable, "-m", "ftzkb", "site", "build", "--root", str(self.root), "--audience", self.audience,
             "--out", str(target)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        with self.lock:
            self.background = process
        threading.Thread(target=self._await_background, args=(process, target), daemon=True).start()

    def _await_background(self, process: subprocess.Popen, target: Path) -> None:
        _, errors = process.communicate()
        with self.lock:
            if process is not self.background:
                return  # stopped: a newer build took its place
            if process.returncode != 0:
                PREVIEW_LOG.error(errors.decode("utf-8", "replace")[-2000:])
            self.finished = (target, process.returncode)
        self.signal.write_text(str(time.time()), "utf-8")  # the server calls rebuild, which switches to it

    def _take_background_build(self) -> bool:
        """Serve the background build that finished, if one did; what the served pages now show of
        the data is what that build read (later saves are then shown by the quick lane)."""
        with self.lock:
            finished, self.finished = self.finished, None
            if finished is None:
                return False
            self.background = None
        target, code = finished
        if code != 0:
            return False
        self._serve(target)
        self.hashes = self.background_hashes
        PREVIEW_LOG.info("整个站点已重建 / the whole site is rebuilt")
        return True

    def _stop_background(self) -> None:
        with self.lock:
            process, self.background, self.finished = self.background, None, None
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait()

    def _other(self) -> Path:
        """The build directory not being served."""
        return self.dirs[1] if self.link.exists() and self.served == self.dirs[0].resolve() else self.dirs[0]

    def _serve(self, target: Path) -> None:
        """Point the served link at `target` (one rename: a request sees the old build or the new)."""
        fresh = self.link.with_name("next")
        fresh.unlink(missing_ok=True)
        fresh.symlink_to(target)
        os.replace(fresh, self.link)


def _hook_module(config: Any) -> Any:
    """The hook module as MkDocs loaded it (by path, under its own name: its state is its own)."""
    return next(module for module in config["hooks"].values() if hasattr(module, "open_spill"))


def data_hashes(root: Path) -> dict[str, str]:
    """`cases/x.yaml` -> the loader's hash of its bytes, for every data file (read as the loader
    reads them: a symlink out of the corpus or a device is not followed but marked unreadable)."""
    from ..load.cache import file_key
    from ..load.loader import corpus_files, data_file_name, kind_of
    from ..load.yamlload import YamlLoadError, read_file_bytes

    found = {}
    for path in corpus_files(root):
        try:
            found[data_file_name(path)] = file_key(read_file_bytes(path), kind_of(path))
        except YamlLoadError:
            found[data_file_name(path)] = "unreadable"
    return found


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
