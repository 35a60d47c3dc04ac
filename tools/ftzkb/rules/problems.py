"""The problems found while reading one file, by id: the strict YAML loader's (`load/yamlload.py`)
and the schema explainer's (`load/schema.py`). They are registered beside the rules, so
`ftzkb validate --list-rules` lists every id validate can print; `tests/test_rules_registry.py`
reads the loader's and the schema's source and fails if one of their ids is missing here."""

from __future__ import annotations

YAML_PROBLEMS: dict[str, tuple[str, str]] = {
    "file-unreadable": ("文件必须能读取", "the file must be readable"),
    "yaml-too-large": ("文件不超过 1 MB", "a file is at most 1 MB"),
    "yaml-encoding": ("文件用 UTF-8 编码", "files are UTF-8"),
    "yaml-syntax": ("YAML 语法正确（冒号、缩进、引号）", "YAML syntax is correct (colons, indentation, quotes)"),
    "yaml-tab-indent": ("缩进用空格，不用制表符", "indentation uses spaces, not tabs"),
    "yaml-fullwidth-space": ("缩进用半角空格，不用全角空格", "indentation uses ASCII spaces, not full-width ones"),
    "yaml-fullwidth-colon": ("键后用英文冒号“: ”", "keys are followed by an ASCII colon ': '"),
    "yaml-duplicate-key": ("同一层的键不重复", "no key twice at one level"),
    "yaml-anchor": ("不用锚点“&”", "no anchors '&'"),
    "yaml-alias": ("不用别名“*”", "no aliases '*'"),
    "yaml-tag": ("不用标签“!”", "no tags '!'"),
    "yaml-complex-key": ("键是简单文本", "keys are plain text"),
    "yaml-multiple-documents": ("一个文件一个 YAML 文档", "one YAML document per file"),
    "yaml-too-deep": ("嵌套不超过 32 层", "nesting at most 32 levels deep"),
    "yaml-number-range": ("数字在可表示的范围内（不超过 15 位整数，不是无穷大）",
                          "numbers are representable (at most 15 integer digits, not infinite)"),
}

SCHEMA_PROBLEMS: dict[str, tuple[str, str]] = {
    "schema-required": ("必填字段都已填写", "every required field is given"),
    "schema-unknown-field": ("没有未知字段", "no unknown fields"),
    "schema-enum": ("受控词表字段写词表中的代码", "vocabulary fields hold a code of the vocabulary"),
    "schema-type": ("每个字段的类型正确（文本、数字、列表、映射）", "each field has the right type"),
    "schema-date": ("日期写成 \"2024\"、\"2024-03\"、\"2024-03-05\"、\"<=2024-03\" 或 unknown",
                    "dates are written \"2024\", \"2024-03\", \"2024-03-05\", \"<=2024-03\" or unknown"),
    "schema-url": ("网址以 http:// 或 https:// 开头", "URLs start with http:// or https://"),
    "schema-id": ("id 只用小写字母、数字和连字符", "ids use only a-z, 0-9 and hyphens"),
    "schema-min-items": ("列表至少有规定的项数", "lists have at least the required number of items"),
    "schema-max-items": ("列表不超过规定的项数", "lists have at most the allowed number of items"),
    "schema-unique": ("列表中没有重复项", "no duplicate items in a list"),
    "schema-length": ("文本长度在规定范围内", "texts are within the length limits"),
    "schema-range": ("数字在规定范围内", "numbers are within their range"),
    "schema-invalid": ("符合 schema 的其他要求", "the other requirements of the schema are met"),
}
