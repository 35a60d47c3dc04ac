"""Shared test helpers: the repository's real corpus and small corpora written to disk."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ftzkb.load.loader import load_corpus
from ftzkb.paths import REPO_ROOT

CARRIER_TEMPLATE = """\
# yaml-language-server: $schema=../schema/carrier.schema.json
id: {id}
name: {name}
types:
  - {type}
province: 江苏
sources:
  - title: 测试来源
    url: https://example.org/{id}
"""


def write_corpus(root: Path, cases: dict[str, str], carriers: dict[str, tuple[str, str]] | None = None) -> Path:
    """Write a small corpus: `cases` maps id -> YAML text; `carriers` maps id -> (name, type)."""
    carriers = carriers or {"area-a": ("甲片区", "ftz-area"), "zone-b": ("乙经开区", "national-etdz"),
                            "zone-c": ("丙高新区", "national-htz")}
    (root / "cases").mkdir(parents=True, exist_ok=True)
    (root / "carriers").mkdir(parents=True, exist_ok=True)
    for carrier_id, (name, kind) in carriers.items():
        (root / "carriers" / f"{carrier_id}.yaml").write_text(
            CARRIER_TEMPLATE.format(id=carrier_id, name=name, type=kind), "utf-8")
    for case_id, text in cases.items():
        (root / "cases" / f"{case_id}.yaml").write_text(textwrap.dedent(text), "utf-8")
    return root


def minimal_case(case_id: str, extra: str = "", origin: str = "area-a", started: str = "2020-01") -> str:
    return f"""\
# yaml-language-server: $schema=../schema/case.schema.json
id: {case_id}
title: 测试案例{case_id}
summary: 用于测试的一个案例摘要。
origin:
  carrier: {origin}
  started: "{started}"
categories:
  - finance
sources:
  - title: 测试来源
    url: https://example.org/{case_id}
{extra}"""


@pytest.fixture(scope="session")
def real_corpus():
    result = load_corpus(REPO_ROOT)
    assert result.corpus.cases, "the repository's own corpus must not be empty"
    return result.corpus


def ftzkb(*args: str, cwd: Path | None = None, env: dict | None = None, lang: str | None = None,
          root: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """The command line as a user runs it: a new process, `python -m ftzkb ARGS [--root ROOT]`,
    with the messages in `lang` (else the default) and no corpus chosen by the environment."""
    full_env = {**os.environ, "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1", **({"FTZKB_LANG": lang} if lang else {}),
                **(env or {})}
    if "FTZKB_ROOT" not in (env or {}):
        full_env.pop("FTZKB_ROOT", None)
    if lang is None and "FTZKB_LANG" not in (env or {}):
        full_env.pop("FTZKB_LANG", None)  # the default language, whatever an earlier test left behind
    extra = ["--root", str(root)] if root is not None else []
    return subprocess.run([sys.executable, "-m", "ftzkb", *args, *extra], capture_output=True, text=True, cwd=cwd,
                          env=full_env, timeout=timeout)


@pytest.fixture(autouse=True)
def _language_stays_with_its_test():
    """`--lang en` in an in-process CLI run sets FTZKB_LANG for the process: put it back after each test."""
    saved = os.environ.get("FTZKB_LANG")
    yield
    if saved is None:
        os.environ.pop("FTZKB_LANG", None)
    else:
        os.environ["FTZKB_LANG"] = saved
