"""`ftzkb new`: a valid, canonically laid-out case file from options or from prompts; never over
an existing file."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from conftest import write_corpus
from ftzkb.commands.new import command as new_command
from ftzkb.load.layout import canonical_text
from ftzkb.load.yamlload import load_yaml_file
from ftzkb.record.scaffold import NewCase, ScaffoldError, filter_options, suggest_id, write_new_case
from ftzkb.record.writes import WriteRefused, atomic_write
from ftzkb.rules.validate import validate

CARRIERS = {"nanjing-area": ("南京片区", "ftz-area"), "kunshan-etdz": ("昆山经开区", "national-etdz")}
FLAGS = ["--title", "数据出境“一站式”服务", "--summary", "为企业提供数据出境申报的一站式辅导。",
         "--origin", "nanjing-area", "--started", "2023-05", "--category", "factor-flow",
         "--source-title", "南京片区发布会", "--source", "https://example.gov.cn/news.html"]


@pytest.fixture
def root(tmp_path):
    return write_corpus(tmp_path, {}, CARRIERS)


def sample(**changes) -> NewCase:
    values = {"id": "nj-data", "title": "数据出境服务", "summary": "一个足够长的摘要。", "origin": "nanjing-area",
              "started": "2023-05", "categories": ("factor-flow",), "source_title": "来源",
              "source_ref": "https://example.gov.cn/a"}
    return NewCase(**{**values, **changes})


def test_written_file_is_canonical_and_valid(root):
    path = write_new_case(root, sample(linkage=("policy",), carrier_types=("national-etdz",), scope="province"))
    text = path.read_text("utf-8")
    data = load_yaml_file(path).data
    assert text == canonical_text(data, "case")
    assert data["preconditions"] == {"carrier_types": ["national-etdz"], "scope": "province"}
    assert data["lifecycle"] == {"status": "active"}
    assert validate(root).errors == 0


def test_a_document_reference_becomes_a_document_source(root):
    data = sample(source_ref="苏政办发〔2023〕5号").data()
    assert data["sources"] == [{"title": "来源", "document": "苏政办发〔2023〕5号"}]


@pytest.mark.parametrize(("changes", "message"), [
    ({"id": "NJ Data"}, "may use only a-z"),
    ({"origin": "nanjing"}, "did you mean nanjing-area?"),
    ({"started": "2023-02-30"}, "is not a real date"),
    ({"categories": ("fintech",)}, "'fintech' is not a category value"),
    ({"categories": ()}, "at least one category"),
    ({"summary": "短"}, "summary is too short"),
    ({"id": "kunshan-etdz"}, "already a carrier id"),
])
def test_bad_answers_are_refused_and_nothing_is_written(root, changes, message):
    with pytest.raises(ScaffoldError) as caught:
        write_new_case(root, sample(**changes))
    assert message in str(caught.value)
    assert list((root / "cases").iterdir()) == []


def test_an_existing_file_is_never_overwritten(root):
    write_new_case(root, sample())
    path = root / "cases" / "nj-data.yaml"
    before = path.read_bytes()
    with pytest.raises(ScaffoldError, match="already exists"):
        write_new_case(root, sample(title="另一个标题"))
    assert path.read_bytes() == before


def test_create_only_refuses_a_file_that_appeared_after_the_check(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("mine\n", "utf-8")
    with pytest.raises(WriteRefused):
        atomic_write(path, "theirs\n", create_only=True)
    assert path.read_text("utf-8") == "mine\n" and sorted(os.listdir(tmp_path)) == ["x.yaml"]


@pytest.mark.parametrize(("title", "expected"), [
    ("数据出境“一站式”服务", "shuju-chujing-yizhanshi-fuwu"),  # words stay whole: not shu-ju-chu-jing-yi-zhan
    ("“关助融”：以海关信用数据助力", "guanzhurong-yi-haiguan-xinyong-shuju"),  # cut before the word that would pass 40
    ("QFLP 试点", "qflp-shidian"),
])
def test_suggested_id_is_the_pinyin_of_whole_words(title, expected):
    assert suggest_id(title) == expected


def test_suggested_ids_stay_under_the_limits():
    long_title = "跨境电商零售进口退货中心仓模式与海关特殊监管区域保税研发检测维修一体化监管"
    suggested = suggest_id(long_title)
    assert len(suggested) <= 40 and suggested.endswith("tuihuo")
    assert len(suggest_id("中华人民共和国" * 20, limit=500)) <= 80  # the schema's maxLength for ids


def test_options_can_be_found_by_id_name_or_pinyin_initials():
    options = [("nanjing-area", "南京片区 (nanjing-area)"), ("kunshan-etdz", "昆山经开区 (kunshan-etdz)")]
    assert filter_options(options, "njpq") == [options[0]]
    assert filter_options(options, "昆山") == [options[1]]
    assert filter_options(options, "ETDZ") == [options[1]]
    assert filter_options(options, "zzz") == []


def test_command_from_flags_end_to_end(root):
    result = subprocess.run([sys.executable, "-m", "ftzkb", "new", *FLAGS, "--id", "nj-data-export", "--root",
                             str(root)], capture_output=True, text=True, env={**os.environ, "FTZKB_LANG": "en"})
    assert result.returncode == 0, result.stderr
    assert (root / "cases" / "nj-data-export.yaml").is_file()
    again = subprocess.run([sys.executable, "-m", "ftzkb", "new", *FLAGS, "--id", "nj-data-export", "--root",
                            str(root)], capture_output=True, text=True, env={**os.environ, "FTZKB_LANG": "en"})
    assert again.returncode == 2 and "already exists" in again.stderr


def test_missing_options_without_a_terminal_are_listed(root):
    result = CliRunner().invoke(new_command, ["--title", "标题", "--root", str(root)], env={"FTZKB_LANG": "en"})
    assert result.exit_code == 2
    assert "missing required options: --summary --origin --started --category --source-title --source" in (
        result.output)


def test_interactive_prompts_offer_choices_and_search(root):
    answers = "\n".join([
        "数据出境服务",  # title
        "",  # id: accept the suggestion
        "为企业提供数据出境申报辅导。",  # summary
        "ksjk",  # origin by pinyin initials of 昆山经开区
        "2023-05",  # started
        "7,2",  # categories by number
        "",  # linkage: none
        "3",  # carrier types: national-etdz
        "来源标题",
        "https://example.gov.cn/a",
    ]) + "\n"
    result = CliRunner().invoke(new_command, ["-i", "--root", str(root)], input=answers, env={"FTZKB_LANG": "en"})
    assert result.exit_code == 0, result.output
    data = load_yaml_file(root / "cases" / "shuju-chujing-fuwu.yaml").data
    assert data["origin"]["carrier"] == "kunshan-etdz"
    assert data["categories"] == ["factor-flow", "trade-facilitation"]
    assert data["preconditions"] == {"carrier_types": ["national-etdz"]}


def test_names_and_labels_are_accepted_from_options(root):
    result = CliRunner().invoke(new_command, [*FLAGS[:4], "--origin", "南京片区", "--started", "2023-05",
                                              "--category", "金融", "--category", "要素自由流动", *FLAGS[10:],
                                              "--id", "nj-data", "--root", str(root)])
    assert result.exit_code == 0, result.output
    data = load_yaml_file(root / "cases" / "nj-data.yaml").data
    assert data["origin"]["carrier"] == "nanjing-area" and data["categories"] == ["finance", "factor-flow"]


def test_a_fatal_problem_keeps_the_answers_as_a_draft_to_resume(root):
    flags = [*FLAGS, "--id", "nj-data", "--root", str(root)]
    flags[flags.index("--summary") + 1] = "短"
    failed = CliRunner().invoke(new_command, flags, env={"FTZKB_LANG": "en"})
    assert failed.exit_code == 2 and "summary is too short" in failed.output
    drafts = list((root / ".ftzkb-cache" / "drafts").glob("nj-data-*.json"))
    assert len(drafts) == 1 and "ftzkb new --resume" in failed.output
    assert list((root / "cases").iterdir()) == []
    fixed = "为企业提供数据出境申报的辅导。"
    resumed = CliRunner().invoke(new_command, ["--resume", str(drafts[0]), "--summary", fixed, "--root", str(root)])
    assert resumed.exit_code == 0, resumed.output
    data = load_yaml_file(root / "cases" / "nj-data.yaml").data
    assert data["title"] == "数据出境“一站式”服务" and data["summary"] == "为企业提供数据出境申报的辅导。"
    assert not drafts[0].exists()


def test_an_interrupted_session_keeps_its_draft(root):
    result = CliRunner().invoke(new_command, ["-i", "--root", str(root)], input="数据出境服务\n\n")
    assert result.exit_code == 1
    drafts = list((root / ".ftzkb-cache" / "drafts").glob("*.json"))
    assert len(drafts) == 1 and "数据出境服务" in drafts[0].read_text("utf-8")


def test_each_answer_is_checked_when_given_and_vocabularies_filter_by_text(root, monkeypatch):
    monkeypatch.setattr("ftzkb.commands.new._terminal", lambda: True)
    answers = "\n".join([
        "数据出境服务",  # title
        "NJ Data",  # id: refused at once …
        "nj-data",  # … and asked again
        "短",  # summary too short: asked again
        "为企业提供数据出境申报辅导。",
        "南京",  # origin by text
        "2023-02-30",  # not a real date: asked again
        "2023-05",
        "开放",  # categories: 开放 matches two (金融开放创新, 开放通道建设) …
        "1",  # … so the list narrows and a number picks from it
        "来源标题",
        "https://example.gov.cn/a",
    ]) + "\n"
    result = CliRunner().invoke(new_command, ["--root", str(root)], input=answers, env={"FTZKB_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert "may use only a-z" in result.output and "is too short" in result.output
    assert "not a real date" in result.output and "'开放' matches 2" in result.output
    data = load_yaml_file(root / "cases" / "nj-data.yaml").data
    assert data["origin"]["carrier"] == "nanjing-area" and data["categories"] == ["finance"]
