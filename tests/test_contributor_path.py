"""The contributor's path, walked as a new contributor would, in a temporary git repository:
scaffold a case, fill it (with a typical mistake first), validate, commit, see the diff against main,
build the site and find the new case in it. Also: the pre-commit hooks, the editor settings (with the
real YAML language server when it can be installed), the CI workflow and the templates this repository
ships, and the worked example in CONTRIBUTING.md."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import threading
from fnmatch import fnmatch
from functools import partial
from pathlib import Path

import pytest
import yaml

from conftest import ftzkb as run_ftzkb
from conftest import minimal_case
from ftzkb.paths import REPO_ROOT
from test_diff import commit, git

VENV_BIN = REPO_ROOT / ".venv" / "bin"
NEW_CASE = "nj-data-export"
NEW_TITLE = "数据出境“一站式”服务"


ftzkb = partial(run_ftzkb, lang="zh")


def new_repository(root: Path) -> Path:
    """A knowledge-base repository like this one: the real carrier registry, one case, on main."""
    shutil.copytree(REPO_ROOT / "carriers", root / "carriers")
    shutil.copytree(REPO_ROOT / "schema", root / "schema")
    (root / "cases").mkdir()
    (root / "cases" / "base-case.yaml").write_text(minimal_case("base-case", origin="suzhou-area"), "utf-8")
    git(root, "init", "-q", "-b", "main")
    commit(root, "初始数据")
    return root


def test_new_contributor_adds_a_case_by_pull_request(tmp_path):
    root = new_repository(tmp_path / "kb")
    git(root, "switch", "-qc", "add-nj-data-export")

    # 1. Scaffold the case from options (what a script or the README's example does).
    made = ftzkb("new", "--id", NEW_CASE, "--title", NEW_TITLE,
                 "--summary", "南京片区为企业提供数据出境评估申报的一站式辅导。", "--origin", "nanjing-area",
                 "--started", "2023-05", "--category", "factor-flow", "--source-title", "南京片区发布会",
                 "--source", "https://example.gov.cn/news.html", cwd=root)
    assert made.returncode == 0, made.stdout + made.stderr
    case_file = root / "cases" / f"{NEW_CASE}.yaml"
    assert case_file.read_text("utf-8").startswith("# yaml-language-server: $schema=../schema/case.schema.json\n")

    # 2. Fill it by hand, naming the adopting zone by its name, as newcomers do.
    with case_file.open("a", encoding="utf-8") as handle:
        handle.write("measures: |\n  - 设立数据出境服务窗口。\n  - 提供评估申报辅导。\n"
                     "adoptions:\n  - carrier: 昆山经开区\n    status: adopted\n    date: \"2024-01\"\n")
    checked = ftzkb("validate", f"cases/{NEW_CASE}.yaml", cwd=root)
    assert checked.returncode == 1
    assert f"cases/{NEW_CASE}.yaml:" in checked.stdout and "请写成“kunshan-etdz”" in checked.stdout

    # 3. Follow the advice, put the file in canonical layout, validate as CI will.
    case_file.write_text(case_file.read_text("utf-8").replace("昆山经开区", "kunshan-etdz"), "utf-8")
    assert ftzkb("fmt", f"cases/{NEW_CASE}.yaml", cwd=root).returncode == 0
    assert ftzkb("validate", "--strict", f"cases/{NEW_CASE}.yaml", cwd=root).returncode == 0
    annotations = ftzkb("validate", "--changed-since", "main", "--format", "github", cwd=root)
    assert (annotations.returncode, annotations.stdout) == (0, "")

    # 4. Commit; the pull request's summary says what changed, per carrier for adoptions.
    commit(root, f"新增案例 {NEW_CASE}")
    summary = ftzkb("diff", "main", "HEAD", "--merge-base", "--format", "markdown", cwd=root)
    assert summary.returncode == 0, summary.stderr
    assert f"- **新增** {NEW_TITLE}（`{NEW_CASE}`）" in summary.stdout
    assert "#### 昆山经开区（`kunshan-etdz`）" in summary.stdout

    # 5. Build the site (the preview CI uploads) and find the new case in it.
    site = tmp_path / "site"
    built = ftzkb("site", "build", "--out", str(site), cwd=root)
    assert built.returncode == 0, built.stdout + built.stderr
    page = site / "cases" / f"{NEW_CASE}.html"
    assert NEW_TITLE in page.read_text("utf-8")
    assert f"{NEW_CASE}.html" in (site / "cases" / "index.html").read_text("utf-8")
    search_index = json.loads((site / "search" / "search_index.json").read_text("utf-8"))
    titles = [doc["title"].replace("\u200b", "") for doc in search_index["docs"]  # jieba's word breaks
              if doc["location"] == f"cases/{NEW_CASE}.html"]
    assert titles == [NEW_TITLE]


# ---------------------------------------------------------------- pre-commit


@pytest.mark.skipif(not (VENV_BIN / "pre-commit").exists(), reason="pre-commit is not installed in .venv")
def test_pre_commit_hooks_stop_a_mistake_before_the_commit(tmp_path):
    root = new_repository(tmp_path / "kb")
    shutil.copy(REPO_ROOT / ".pre-commit-config.yaml", root)
    (root / ".venv").symlink_to(REPO_ROOT / ".venv")
    case_file = root / "cases" / "colon.yaml"
    case_file.write_text(minimal_case("colon", origin="nanjing-area").replace("title: ", "title："), "utf-8")
    git(root, "add", "cases/colon.yaml", ".pre-commit-config.yaml")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "FTZKB_LANG": "zh"}

    def hook(name: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(VENV_BIN / "pre-commit"), "run", name], cwd=root, env=env, capture_output=True,
                              text=True, timeout=120)

    stopped = hook("ftzkb-validate")
    assert stopped.returncode == 1
    assert "cases/colon.yaml:3:6" in stopped.stdout and "请改成英文冒号加空格“: ”" in stopped.stdout
    case_file.write_text(minimal_case("colon", origin="nanjing-area"), "utf-8")
    git(root, "add", "cases/colon.yaml")
    assert hook("ftzkb-validate").returncode == 0
    assert hook("ftzkb-fmt-check").returncode == 0


@pytest.mark.skipif(not (VENV_BIN / "pre-commit").exists(), reason="pre-commit is not installed in .venv")
def test_pre_commit_files_are_valid():
    for args in (["validate-config", ".pre-commit-config.yaml"], ["validate-manifest", ".pre-commit-hooks.yaml"]):
        done = subprocess.run([str(VENV_BIN / "pre-commit"), *args], cwd=REPO_ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_hooks_for_other_repositories_run_the_validator_on_data_files():
    hooks = {h["id"]: h for h in yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    assert hooks["ftzkb-validate"]["entry"] == "ftzkb validate"
    assert hooks["ftzkb-fmt-check"]["entry"] == "ftzkb fmt --check"
    pattern = re.compile(hooks["ftzkb-validate"]["files"])
    assert pattern.search("cases/sz-guanzhurong.yaml") and pattern.search("carriers/sip.yaml")
    assert not pattern.search("tests/data/bad/cases/anchor.yaml")


# ---------------------------------------------------------------- CI and templates


WORKFLOW = REPO_ROOT / ".github" / "workflows" / "pull-request.yml"


def test_workflow_uses_only_what_gitea_runs_too():
    workflow = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    used = {step["uses"].split("@")[0] for step in steps if "uses" in step}
    assert used == {"actions/checkout", "actions/upload-artifact"}
    assert all(("uses" in step) != ("run" in step) for step in steps)
    runs = "\n".join(step.get("run", "") for step in steps)
    for needed in ('ftzkb validate --changed-since "origin/$BASE" --format github', "bash scripts/test.sh",
                   "--format markdown", "GITHUB_STEP_SUMMARY", "ftzkb site build --out"):
        assert needed in runs


def test_every_option_the_workflow_passes_exists(tmp_path):
    runs = "\n".join(step.get("run", "") for job in yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"].values()
                     for step in job["steps"])
    calls = re.findall(r"\.venv/bin/ftzkb ((?:site )?\w+)([^\n>|]*)", runs)
    assert len(calls) >= 4
    for command, rest in calls:
        help_text = ftzkb(*command.split(), "--help", cwd=tmp_path).stdout
        for option in re.findall(r"--[a-z-]+", rest):
            assert option in help_text, f"ftzkb {command} has no {option}"


@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-workflows", [".github/workflows/pull-request.yml"]),
    ("vendor.github-issue-forms", [".github/ISSUE_TEMPLATE/submit-case.yml", ".github/ISSUE_TEMPLATE/wrong-data.yml"]),
    ("vendor.github-issue-config", [".github/ISSUE_TEMPLATE/config.yml"]),
])
def test_ci_and_issue_templates_follow_their_schemas(schema, files):
    checker = VENV_BIN / "check-jsonschema"
    if not checker.exists():
        pytest.skip("check-jsonschema is not installed in .venv")
    done = subprocess.run([str(checker), "--builtin-schema", schema, *files], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_templates_are_chinese_first_and_ask_for_evidence():
    wrong = yaml.safe_load((REPO_ROOT / ".github" / "ISSUE_TEMPLATE" / "wrong-data.yml").read_text("utf-8"))
    evidence = next(item for item in wrong["body"] if item.get("id") == "evidence")
    assert evidence["attributes"]["label"].startswith("证据") and evidence["validations"]["required"] is True
    pull_request = (REPO_ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text("utf-8")
    assert pull_request.count("- [ ]") >= 5 and pull_request.index("自查清单") < pull_request.index("Checklist")


# ---------------------------------------------------------------- editor support


def test_editor_settings_map_the_data_files_to_the_schemas():
    settings = json.loads((REPO_ROOT / ".vscode" / "settings.json").read_text("utf-8"))
    mapping = settings["yaml.schemas"]
    assert all((REPO_ROOT / schema_path).is_file() for schema_path in mapping)
    assert any(fnmatch("cases/sz-guanzhurong.yaml", g) for g in mapping["./schema/case.schema.json"])
    assert any(fnmatch("carriers/sip.yaml", g) for g in mapping["./schema/carrier.schema.json"])
    assert settings["yaml.schemaStore.enable"] is False  # the intranet cannot reach the online catalogue
    extensions = json.loads((REPO_ROOT / ".vscode" / "extensions.json").read_text("utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]


def _language_server(tmp_path_factory) -> Path:
    """yaml-language-server (the engine of redhat.vscode-yaml) from the npm registry, kept in .ftzkb-cache."""
    prefix = REPO_ROOT / ".ftzkb-cache" / "yaml-language-server"
    server = prefix / "node_modules" / ".bin" / "yaml-language-server"
    if server.exists():
        return server
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed to run the YAML language server")
    try:
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(prefix),
                        "yaml-language-server@1"], check=True, capture_output=True, timeout=300)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"could not install yaml-language-server: {exc}")
    return server


class _LanguageServer:
    """Just enough of the Language Server Protocol to open a document and ask questions about it."""

    TIMEOUT = 60

    def __init__(self, server: Path, workspace: Path, settings: dict) -> None:
        self.settings = settings
        self.process = subprocess.Popen([str(server), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL)
        self.messages: queue.Queue[dict] = queue.Queue()
        threading.Thread(target=self._read_messages, daemon=True).start()
        self.next_id = 0
        uri = workspace.as_uri()
        self.request("initialize", {"processId": None, "rootUri": uri, "workspaceFolders": [{"uri": uri, "name": "kb"}],
                                    "capabilities": {"workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _read_messages(self) -> None:
        stream = self.process.stdout
        while True:
            length = 0
            while (line := stream.readline()).strip():
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return
            self.messages.put(json.loads(stream.read(length)))

    def send(self, message: dict) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def receive(self) -> dict:
        message = self.messages.get(timeout=self.TIMEOUT)
        if message.get("method") == "workspace/configuration":  # the server asks for the settings
            self.send({"id": message["id"], "result": [self.settings["yaml"]] * len(message["params"]["items"])})
        return message

    def notify(self, method: str, params: dict) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: dict) -> dict:
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while (message := self.receive()).get("id") != self.next_id or "method" in message:
            pass
        return message["result"]

    def diagnostics(self, path: Path) -> list[dict]:
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                              "text": path.read_text("utf-8")}})
        while True:
            message = self.receive()
            if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
                return message["params"]["diagnostics"]

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def _vscode_settings() -> dict:
    """VS Code hands the server its `yaml.*` settings as one nested object."""
    nested: dict = {}
    for key, value in json.loads((REPO_ROOT / ".vscode" / "settings.json").read_text("utf-8")).items():
        if key.startswith("yaml."):
            *parents, leaf = key.split(".")[1:]
            target = nested
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = value
    return {"yaml": nested}


def test_editor_completes_and_flags_errors_from_the_schemas(tmp_path, tmp_path_factory):
    server = _language_server(tmp_path_factory)
    workspace = tmp_path / "kb"
    (workspace / "cases").mkdir(parents=True)
    shutil.copytree(REPO_ROOT / "schema", workspace / "schema")
    shutil.copytree(REPO_ROOT / ".vscode", workspace / ".vscode")
    # No modeline: the workspace settings alone must tie the file to the case schema.
    case_file = workspace / "cases" / "draft.yaml"
    case_file.write_text(minimal_case("draft").split("\n", 1)[1].replace('"2020-01"', "2024.3.5")
                         + "adoptions:\n  - carrier: kunshan-etdz\n    status: 已复制\n", "utf-8")
    client = _LanguageServer(server, workspace, _vscode_settings())
    try:
        found = client.diagnostics(case_file)
        lines = case_file.read_text("utf-8").splitlines()
        status_line = next(i for i, line in enumerate(lines) if "status:" in line)
        completion = client.request("textDocument/completion", {
            "textDocument": {"uri": case_file.as_uri()}, "position": {"line": status_line, "character": 12}})
    finally:
        client.close()
    flagged_lines = {d["range"]["start"]["line"] for d in found}
    assert {lines.index('  started: 2024.3.5'), status_line} <= flagged_lines
    items = completion["items"] if isinstance(completion, dict) else completion
    assert {"adopted", "planned", "piloting"} <= {item["label"] for item in items}


# ---------------------------------------------------------------- CONTRIBUTING.md


def test_contributing_worked_example_matches_the_real_data(real_corpus):
    text = (REPO_ROOT / "CONTRIBUTING.md").read_text("utf-8")
    assert text.index("## 中文") < text.index("## English")
    case_ids = set(re.findall(r"ftzkb adopt ([a-z0-9-]+) [a-z0-9-]+", text))
    carrier_ids = set(re.findall(r"ftzkb adopt [a-z0-9-]+ ([a-z0-9-]+)", text))
    carrier_ids |= set(re.findall(r"--(?:origin|learned-from) ([a-z0-9-]+)", text))
    assert "gold-policy-service-supermarket" in case_ids
    assert case_ids <= real_corpus.cases.keys(), "CONTRIBUTING.md names cases that are not in cases/"
    assert carrier_ids <= real_corpus.carriers.keys(), "CONTRIBUTING.md names carriers that are not in carriers/"
    example = real_corpus.cases["gold-policy-service-supermarket"]
    assert any(a.carrier == "jiangsu-ftz" and a.status == "adopted" for a in example.adoptions)


def test_contributing_adoption_block_is_valid(tmp_path):
    text = (REPO_ROOT / "CONTRIBUTING.md").read_text("utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if b.startswith("adoptions:"))
    root = tmp_path / "kb"
    shutil.copytree(REPO_ROOT / "carriers", root / "carriers")
    (root / "cases").mkdir()
    (root / "cases" / "example.yaml").write_text(minimal_case("example", block, origin="jiangsu-unnamed-parks"),
                                                  "utf-8")
    checked = ftzkb("validate", "cases/example.yaml", cwd=root)
    assert checked.returncode == 0, checked.stdout
