from . import WARNING, rule


def _walk(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _walk(child, (*path, index))
    elif isinstance(value, str):
        yield path, value


@rule("whitespace", WARNING, "文本中不应有全角空格或行尾空格", "no full-width spaces or trailing whitespace in text")
def check(corpus, report):
    for record in (*corpus.cases.values(), *corpus.carriers.values()):
        for path, text in _walk(record.loaded.data):
            if "\u3000" in text:
                report(record, path, "文本中有全角空格“　”", "full-width space in text")
            elif any(line != line.rstrip() for line in text.split("\n")):
                report(record, path, "文本行尾有多余空格", "trailing whitespace in text")
