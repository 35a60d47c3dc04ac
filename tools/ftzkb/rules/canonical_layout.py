from ftzkb.load.loader import kind_of
from ftzkb.rules import WARNING, rule


@rule("canonical-layout", WARNING, "文件应为规范格式（键序、缩进、引号）；运行 ftzkb fmt 修正",
      "files should be in canonical layout (key order, indentation, quoting); run ftzkb fmt")
def check(corpus, report):
    from ftzkb.load.layout import has_inner_comments, is_canonical

    for record in (*corpus.cases.values(), *corpus.carriers.values()):
        loaded = record.loaded
        canonical = loaded.canonical
        if canonical is None:
            canonical = is_canonical(loaded.text, loaded.data, kind_of(record.path))
        if not canonical:
            extra_zh = "（文件中的注释会被移除）" if has_inner_comments(loaded.text) else ""
            extra_en = " (comments inside the file would be removed)" if extra_zh else ""
            report(record, (), f"不是规范格式：运行 ftzkb fmt {record.path.name} 自动修正{extra_zh}",
                   f"not in canonical layout: run ftzkb fmt {record.path.name}{extra_en}")
