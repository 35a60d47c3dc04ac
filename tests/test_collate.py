"""Chinese names sort by pinyin, syllable by syllable, without loading pypinyin's phrase dictionary."""

import subprocess
import sys

from ftzkb.collate import pinyin_key, sort_zh


def test_area_names_sort_by_pinyin():
    names = ["苏州片区", "南京片区", "连云港片区", "昆山经济技术开发区"]
    assert sort_zh(names) == ["昆山经济技术开发区", "连云港片区", "南京片区", "苏州片区"]


def test_tones_and_umlaut_order_within_a_syllable():
    assert pinyin_key("路") < pinyin_key("绿")  # lu4 < lv4
    assert pinyin_key("妈") < pinyin_key("马")  # ma1 < ma3


def test_latin_and_digits_sort_as_themselves():
    assert sort_zh(["b区", "a区", "2号", "1号"]) == ["1号", "2号", "a区", "b区"]


def test_sorting_does_not_import_the_pypinyin_package():
    code = "import sys; from ftzkb.collate import pinyin_key; pinyin_key('南京'); print('pypinyin' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
