"""The MkDocs adapter (listed under `hooks:` in mkdocs.yml): it adds the pages and files that
`ftzkb.site` renders from cases/ and carriers/ as virtual files. Everything else lives in
`ftzkb.site`, which does not import MkDocs, so moving to another generator stays small.

The corpus is $FTZKB_ROOT (else the repository); the audience is $FTZKB_AUDIENCE
(`public`, the default, or `internal`), as `ftzkb site build --audience` sets it.
"""

from __future__ import annotations

import os

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from ftzkb.site.generate import AudienceError, SiteDataError, audience_from_env, generate


def on_config(config):
    try:
        config.extra["ftzkb_audience"] = audience_from_env()  # the theme shows a banner on internal builds
    except AudienceError as exc:
        raise PluginError(str(exc)) from None
    return config


def on_files(files: Files, config) -> Files:
    try:
        generated = generate()
    except SiteDataError as exc:
        shown = "\n".join(f"  {d.file}:{d.line}:{d.col}: {d.rule} {d.zh} / {d.en}" for d in exc.diagnostics[:20])
        raise PluginError(f"数据有错误，未构建站点（先运行 ftzkb validate） / data errors, site not built "
                          f"(run ftzkb validate):\n{shown}") from None
    except AudienceError as exc:
        raise PluginError(str(exc)) from None
    # Pages carry the data's commit date, never the clock: two builds of one commit are identical.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(generated.version.timestamp))
    for path, content in generated.files.items():
        files.append(File.generated(config, path, content=content))
    return files
