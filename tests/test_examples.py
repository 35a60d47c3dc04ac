"""Every command example is true: each `ftzkb …` line in README.md, CONTRIBUTING.md and every
`--help` epilog runs, as written, in a scratch copy of the repository's data (with git history and
the files the examples name), and must not end in a usage error (exit 2), an internal error (exit 3)
or a traceback; a search must find something.

Each example gets its own copy (examples write files: `new`, `adopt`), made from one prepared
template. Examples that cannot run here are skipped, each with its reason in SKIPPED.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import ftzkb
from ftzkb.cli import main
from ftzkb.paths import CARRIERS_DIRNAME, CASES_DIRNAME, REPO_ROOT

DOCUMENTS = ("README.md", "CONTRIBUTING.md")
SKIPPED = {  # a command as written (comment left out), or its beginning followed by more words
    "ftzkb new": "interactive: asks question by question, needs a terminal (tests/test_new_case.py drives it)",
    "ftzkb site serve": "a server that runs until it is stopped (tests/test_site_preview.py runs one)",
    "ftzkb site verify": "needs an archive or a deployed copy that `site publish` made (tests/test_site_publish.py)",
    "ftzkb bench": "the benchmark takes minutes to an hour; tests/test_bench.py runs it small",
    "ftzkb synth --cases 5000": "writes a 5,000-case corpus (minutes); the 300-case example runs",
    "ftzkb validate --root bench-out/corpora/demo": "needs the 5,000-case corpus of the skipped synth example",
}
# Placeholders in the documents, pointed into the scratch copy.
PLACES = {"/path/to/corpus": "{root}", "/tmp/": "{root}/tmp/"}
_PLACE = re.compile("|".join(re.escape(p) for p in PLACES))
SHEET_ROWS = [("案例 id", "载体 id", "状态", "日期"), ("sz-guanzhurong", "kunshan-etdz", "试点中", "2021-03"),
              ("sz-guanzhurong", "wujiang-etdz", "已复制", "2022")]


@dataclass(frozen=True)
class Example:
    source: str
    command: str  # as a shell would run it, `ftzkb …`

    @property
    def words(self) -> list[str]:
        return self.command.split()


# --- finding the examples ------------------------------------------------------------------------

_FENCE = re.compile(r"^```(\w*)\s*$")


def document_examples(name: str) -> list[Example]:
    """`ftzkb …` lines (or `.venv/bin/ftzkb …`) of the shell blocks of a document, continuations joined."""
    found, in_shell, pending = [], False, ""
    for line in (REPO_ROOT / name).read_text("utf-8").splitlines():
        fence = _FENCE.match(line.strip())
        if fence:
            in_shell = not in_shell and fence.group(1) in ("sh", "bash", "shell", "console")
            continue
        if not in_shell:
            continue
        text = pending + line.strip()
        if text.endswith("\\"):
            pending = text[:-1] + " "
            continue
        pending = ""
        text = re.sub(r"^\.venv/bin/", "", text)
        if text.startswith("ftzkb "):
            found.append(Example(name, text))
    return found


def help_examples() -> list[Example]:
    """The example lines of every `--help` epilog: the command part, before the two spaces that
    start its explanation."""
    found = []
    for path in [(), *command_paths()]:
        output = CliRunner().invoke(main, [*path, "--help"], env={"FTZKB_LANG": "zh"}).output
        found += [Example(f"ftzkb {' '.join(path)} --help".replace("  ", " "), command)
                  for command in epilog_commands(output)]
    return found


def command_paths() -> list[tuple[str, ...]]:
    paths = []
    for name in main.list_commands(click.Context(main)):
        command = main.get_command(click.Context(main), name)
        paths.append((name,))
        paths += [(name, sub) for sub in getattr(command, "commands", {})]
    return paths


def epilog_commands(help_text: str) -> list[str]:
    commands, pending = [], ""
    in_examples = False
    for line in help_text.splitlines():
        if "示例 / Examples:" in line:
            in_examples = True
            continue
        if in_examples and not line.strip():
            break
        stripped = re.split(r"\s{2,}", line.strip())[0]
        if pending:
            stripped = pending + stripped
        elif not (in_examples and stripped.startswith("ftzkb ")):
            continue
        if stripped.endswith("\\"):
            pending = stripped[:-1].rstrip() + " "
            continue
        pending = ""
        commands.append(stripped)
    return commands


def all_examples() -> list[Example]:
    seen, unique = set(), []
    for example in [*(e for name in DOCUMENTS for e in document_examples(name)), *help_examples()]:
        key = re.sub(r"\s+#.*$", "", example.command).strip()
        if key not in seen:
            seen.add(key)
            unique.append(example)
    return unique


EXAMPLES = all_examples()


def skip_reason(example: Example) -> str | None:
    written = " ".join(re.sub(r"\s+#.*$", "", example.command).split())
    exact = {"ftzkb new", "ftzkb validate --root bench-out/corpora/demo"}
    return next((reason for start, reason in SKIPPED.items()
                 if written == start or (start not in exact and written.startswith(start + " "))), None)


# --- the scratch repository ------------------------------------------------------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


def _copy_case(root: Path, source: str, new_id: str, where: Path) -> None:
    text = (root / CASES_DIRNAME / f"{source}.yaml").read_text("utf-8").replace(f"id: {source}\n", f"id: {new_id}\n")
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(text, "utf-8")


def _files_the_examples_name(root: Path) -> None:
    """cases/my-case.yaml and new-case.yaml, a draft for ~/draft, adoption sheets, a draft of `ftzkb new`
    to resume, and the case the contributing guide creates with `ftzkb new` and then validates."""
    from openpyxl import Workbook

    from ftzkb.record.scaffold import new_case, write_new_case

    for case_id, where in (("my-case", root / CASES_DIRNAME), ("new-case", root / CASES_DIRNAME),
                           ("new-case", root / "home" / "draft")):
        _copy_case(root, "sz-qflp-pilot", case_id, where / f"{case_id}.yaml")
    for name in ("复制清单.csv", "list.csv"):
        (root / name).write_text("\n".join(",".join(row) for row in SHEET_ROWS) + "\n", "utf-8")
    for name in ("复制清单.xlsx", "list.xlsx"):
        book = Workbook()
        for row in SHEET_ROWS:
            book.active.append(row)
        book.save(root / name)
    answers = {"case_id": "nj-data-export", "title": "数据出境“一站式”服务",
               "summary": "南京片区为企业提供数据出境评估申报的一站式辅导。", "origin": "nanjing-area",
               "started": "2023-05", "categories": ["factor-flow"],
               "source_title": "南京片区发布会", "source_ref": "https://example.gov.cn/news.html"}
    draft = root / ".ftzkb-cache" / "drafts" / "nj-data-export-20240501-101500.json"
    draft.parent.mkdir(parents=True, exist_ok=True)
    draft.write_text(json.dumps({"format": 1, "answers": answers, "problems": []}, ensure_ascii=False), "utf-8")
    write_new_case(root, new_case(answers))
    _ledgers(root)


def _ledgers(root: Path) -> None:
    """ledgers/ as `ftzkb ledger export` writes it, for the import examples."""
    import datetime as dt

    from ftzkb.export.ledger import write_ledger
    from ftzkb.load.loader import load_corpus
    from ftzkb.load.version import DataVersion

    corpus = load_corpus(root).corpus
    version = DataVersion("unknown", dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    (root / "ledgers").mkdir()
    for carrier_id in ("kunshan-etdz", "suzhou-area"):
        write_ledger(corpus, corpus.carriers[carrier_id], version, root / "ledgers", "xlsx", "省自贸办", "2026-11-30")


def _history(root: Path) -> None:
    """main with tags v1.0 and v1.1 (one case changed between them) and origin/main."""
    (root / ".gitignore").write_text(".ftzkb-cache/\nhome/\nbin/\n.venv/\n", "utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "data")
    _git(root, "tag", "v1.0")
    case = root / CASES_DIRNAME / "sz-guanzhurong.yaml"
    case.write_text(case.read_text("utf-8").replace("tags:\n", "tags:\n  - 示例标签\n", 1), "utf-8")
    _git(root, "commit", "-q", "-am", "a tag")
    _git(root, "tag", "v1.1")
    _git(root, "update-ref", "refs/remotes/origin/main", "main")


def _launchers(root: Path) -> None:
    """`ftzkb` on PATH and `.venv/bin/ftzkb`, both this checkout's package."""
    package = Path(ftzkb.__file__).resolve().parents[1]
    script = f'#!/bin/sh\nPYTHONPATH="{package}" exec "{sys.executable}" -m ftzkb "$@"\n'
    for where in (root / "bin" / "ftzkb", root / ".venv" / "bin" / "ftzkb"):
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_text(script, "utf-8")
        where.chmod(0o755)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("examples") / "repo"
    for dirname in (CASES_DIRNAME, CARRIERS_DIRNAME):
        shutil.copytree(REPO_ROOT / dirname, root / dirname)
    _files_the_examples_name(root)
    _history(root)
    _launchers(root)
    subprocess.run([str(root / "bin" / "ftzkb"), "index"], cwd=root, capture_output=True, check=True,
                   env=_environment(root))
    return root


def _environment(root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FTZKB_ROOT", "FTZKB_LANG")}
    return {**env, "PATH": f"{root / 'bin'}{os.pathsep}{env.get('PATH', '')}", "HOME": str(root / "home"),
            "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1", "GITHUB_STEP_SUMMARY": str(root / "summary.md")}


# --- running them ----------------------------------------------------------------------------------


def test_the_documents_and_help_pages_have_examples():
    sources = {e.source for e in EXAMPLES}
    assert set(DOCUMENTS) <= sources
    assert len([s for s in sources if s.endswith("--help")]) >= len(command_paths()) - 2
    assert len(EXAMPLES) >= 60


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.source}: {e.command}"[:120])
def test_example_runs(example, template, tmp_path):
    reason = skip_reason(example)
    if reason:
        pytest.skip(reason)
    root = tmp_path / "repo"
    shutil.copytree(template, root, symlinks=True)
    command = _PLACE.sub(lambda m: PLACES[m.group()].format(root=root), example.command)
    (root / "tmp").mkdir(exist_ok=True)
    made = re.search(r"^ftzkb new .*--id (\S+)", command) or re.search(r"^ftzkb new --resume .*/([a-z0-9-]+?)-\d{8}-",
                                                                         command)
    if made:  # the example creates this case; the template has it for the examples that use it
        (root / CASES_DIRNAME / f"{made.group(1)}.yaml").unlink()
    done = subprocess.run(["bash", "-c", command], cwd=root, env=_environment(root), capture_output=True,
                          text=True, timeout=600)
    said = done.stdout + done.stderr
    assert done.returncode not in (2, 3), f"{example.source}: `{example.command}` exited {done.returncode}:\n{said}"
    assert "Traceback" not in said, f"{example.source}: `{example.command}`:\n{said}"
    if example.words[1:2] == ["search"]:
        assert found_something(done.stdout, command, root), f"{example.source}: `{command}` found nothing:\n{said}"


def found_something(output: str, command: str, root: Path) -> bool:
    redirected = re.search(r">\s*(\S+)\s*$", command)
    if redirected:
        output = (root / redirected.group(1)).read_text("utf-8")
    if "--format json" in command:
        return json.loads(output)["total"] > 0
    if "--format csv" in command:
        return len(output.strip().splitlines()) > 1
    return "没有找到结果" not in output and "nothing found" not in output
