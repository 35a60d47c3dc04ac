import re

from . import WARNING, rule

# A whitespace character (other than the line break itself) at the end of a line of the text.
_TRAILING = re.compile(r"[^\S\n](?:\n|\Z)")


def _walk(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, (*path, index))
    elif isinstance(value, str):
        yield path, value


def _has_finding(value) -> bool:
    """Quick yes/no over a whole record (no paths kept); almost every record says no."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if "\u3000" in item or _TRAILING.search(item):
                return True
        elif kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return False


@rule("whitespace", WARNING, "文本中不应有全角空格或行尾空格", "no full-width spaces or trailing whitespace in text")
def check(corpus, report):
    for record in (*corpus.cases.values(), *corpus.carriers.values()):
        if not _has_finding(record.loaded.data):
            continue
        for path, text in _walk(record.loaded.data):
            if "\u3000" in text:
                report(record, path, "文本中有全角空格“　”：请删除或改用半角空格",
                       "full-width space in text: delete it or use an ASCII space")
            elif _TRAILING.search(text):
                report(record, path, "文本行尾有多余空格：请删除", "trailing whitespace in text: delete it")
