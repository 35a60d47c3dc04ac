from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from ftzkb.commands.common import corpus_root, echo_json, fail, format_option, root_option
from ftzkb.i18n import pick
from ftzkb.paths import CASES_DIRNAME, REPO_ROOT
from ftzkb.vocab import PUBLIC, vocab

if TYPE_CHECKING:  # loaded when the command runs, not for --help
    from ftzkb.site.publish import Verdict

audience_option = click.option(
    "--audience", type=click.Choice(vocab("audience").values), default=PUBLIC, show_default=True,
    help="公开版不含标为内部的内容；内部版含全部内容 / public leaves out everything marked internal")


@click.group(epilog="""\b
示例 / Examples:
  ftzkb site build                           构建公开版到 site/
  ftzkb site build --audience internal --out site-internal
  ftzkb site build --root /path/to/corpus --out /tmp/kb
  ftzkb site serve                           本机预览 http://127.0.0.1:8000/ ，数据改动后自动重建
""")
def command() -> None:
    """构建或预览静态站点（Material for MkDocs，内网可用）。

    Build or preview the static site (Material for MkDocs, works on an intranet).
    """


@command.command("build", epilog="""\b
示例 / Examples:
  ftzkb site build
  ftzkb site build --audience internal --out site-internal
  ftzkb site build --format json             以 JSON 输出构建摘要
\b
退出码 / exit codes: 0 成功 built, 1 数据或构建错误 data or build errors, 2 用法错误 usage error
""")
@audience_option
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="输出目录（默认仓库下的 site/；会被清空重建） / output directory (default: site/; it is emptied)")
@click.option("--engine", type=click.Choice(["mkdocs", "zensical"]), default="mkdocs", show_default=True,
              help="站点生成器：MkDocs（默认）或其后继者 Zensical / site generator: MkDocs or its successor Zensical")
@format_option("text", "json")
@root_option
def build_command(audience: str, out: Path | None, engine: str, fmt: str, root: Path | None) -> None:
    """构建站点：案例页、载体页、索引、矩阵、统计、下载、JSON 接口和订阅源。

    Build the site: case and carrier pages, indexes, matrix, statistics, downloads, JSON API and feed.
    """
    from ftzkb.site.mkdocs_build import DEFAULT_OUT, BuildFailed, build_site
    from ftzkb.site.zensical_build import build_site_zensical

    root = _checked_root(corpus_root(root))
    out = _checked_out(Path(out) if out else DEFAULT_OUT, root)
    try:
        report = (build_site_zensical if engine == "zensical" else build_site)(root, audience, out)
    except BuildFailed as exc:
        fail(f"站点构建失败：\n{exc}", f"site build failed:\n{exc}", code=1)
    if fmt == "json":
        echo_json({"out": str(report.out), "audience": audience, "engine": engine, "pages": report.pages,
                   "files": report.files, "seconds": round(report.seconds, 2)})
        return
    click.echo(pick(f"已构建{'公开版' if audience == PUBLIC else '内部版'}站点：{report.pages} 个页面，"
                    f"{report.files} 个文件，用时 {report.seconds:.1f} 秒 → {report.out}",
                    f"built the {audience} site: {report.pages} pages, {report.files} files in "
                    f"{report.seconds:.1f} s → {report.out}"), err=True)


@command.command("serve", epilog="""\b
示例 / Examples:
  ftzkb site serve
  ftzkb site serve --addr 0.0.0.0:8080 --audience internal
""")
@audience_option
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="监听地址 / address to listen on")
@root_option
def serve_command(audience: str, addr: str, root: Path | None) -> None:
    """本机预览站点：保存案例或载体文件后，其页面随即更新，整个站点随后在后台重建；增删文件或改动模板则整体重建。

    Preview the site locally: a saved case or carrier page is updated at once and the whole site
    rebuilt behind it; adding or removing files or changing templates rebuilds everything.
    """
    from ftzkb.site.mkdocs_build import BuildFailed, serve_site

    try:
        serve_site(_checked_root(corpus_root(root)), audience, addr)
    except BuildFailed as exc:
        fail(f"站点构建失败：\n{exc}", f"site build failed:\n{exc}", code=1)


@command.command("publish", epilog="""\b
示例 / Examples:
  ftzkb site publish                         公开版站点打包为 dist/ftzkb-site-<数据版本>.tar.gz
  ftzkb site publish --archive zip           打包为 .zip
\b
退出码 / exit codes: 0 已发布 published, 1 数据或构建错误 data or build errors,
  2 拒绝发布 refused（合成数据、未提交的改动、不在 git 中、同名文件已存在 synthetic, uncommitted, not in git, exists）
""")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="存放发布包的目录（默认语料目录下的 dist/） / archive directory (default: dist/ in the corpus)")
@click.option("--archive", "archive_format", type=click.Choice(["tar.gz", "zip"]), default="tar.gz",
              show_default=True, help="发布包格式 / archive format")
@format_option("text", "json")
@root_option
def publish_command(out: Path | None, archive_format: str, fmt: str, root: Path | None) -> None:
    """把公开版站点打包为带清单（manifest.json）的发布包，供服务器部署。

    Build the public site into a versioned archive with a manifest, for a server operator.
    """
    from ftzkb.site.mkdocs_build import BuildFailed
    from ftzkb.site.publish import PublishRefused, publish

    root = _checked_root(corpus_root(root))
    if out is None:
        out = root / "dist"
        out.mkdir(exist_ok=True)
    try:
        release = publish(root, out, archive_format)
    except PublishRefused as exc:
        fail(exc.zh, exc.en, code=2)
    except BuildFailed as exc:
        fail(f"站点构建失败：\n{exc}", f"site build failed:\n{exc}", code=1)
    manifest = release.manifest
    if fmt == "json":
        echo_json({"archive": str(release.archive), **{k: manifest[k] for k in
                                                        ("data_version", "commit", "build_date", "counts")}})
        return
    counts = manifest["counts"]
    click.echo(pick(f"已发布：{release.archive}\n数据版本 {manifest['data_version']}（提交 {manifest['commit']}，"
                    f"{manifest['build_date'][:10]}），{counts['cases']} 个案例，{counts['files']} 个文件",
                    f"published: {release.archive}\ndata version {manifest['data_version']} (commit "
                    f"{manifest['commit']}, {manifest['build_date'][:10]}), {counts['cases']} cases, "
                    f"{counts['files']} files"))


@command.command("verify", epilog="""\b
示例 / Examples:
  ftzkb site verify dist/ftzkb-site-1a2b3c4d5e6f.tar.gz   检查发布包
  ftzkb site verify /var/www/kb                           检查服务器上解开的站点
\b
退出码 / exit codes: 0 与清单一致 matches its manifest, 1 有差异或发布包损坏 differs or damaged, 2 用法错误 usage
""")
@click.argument("path", type=click.Path(path_type=Path))
@format_option("text", "json")
def verify_command(path: Path, fmt: str) -> None:
    """按清单（manifest.json）检查发布包或部署的站点：缺少、改动、多出的文件。

    Check an archive or a deployed copy against its manifest: missing, changed and extra files.
    """
    from ftzkb.site.publish import verify

    try:
        verdict = verify(path)
    except FileNotFoundError:
        fail(f"{path} 不存在", f"{path} does not exist", code=2)
    if fmt == "json":
        echo_json(verdict.as_dict())
    else:
        click.echo(_verdict_text(verdict, path))
    raise SystemExit(0 if verdict.ok else 1)


def _verdict_text(verdict: Verdict, path: Path) -> str:
    lines = [pick(zh, en) for zh, en in verdict.problems]
    for names, zh, en in ((verdict.missing, "缺少", "missing"), (verdict.changed, "已改动", "changed"),
                          (verdict.extra, "清单中没有", "not in the manifest")):
        lines += [pick(f"{zh}：{name}", f"{en}: {name}") for name in names]
    if verdict.manifest:
        about = verdict.manifest
        head = pick(f"{path}：数据版本 {about.get('data_version')}（提交 {about.get('commit')}，构建于 "
                    f"{str(about.get('build_date'))[:10]}）", f"{path}: data version {about.get('data_version')} "
                    f"(commit {about.get('commit')}, built {str(about.get('build_date'))[:10]})")
        lines.insert(0, head)
    lines.append(pick("与清单一致" if verdict.ok else f"与清单不一致：{len(lines) - 1} 处",
                      "matches its manifest" if verdict.ok else "differs from its manifest"))
    return "\n".join(lines)


def _checked_root(root: Path) -> Path:
    if not (root / CASES_DIRNAME).is_dir():
        fail(f"{root} 不是语料目录（没有 {CASES_DIRNAME}/）", f"{root} is not a corpus directory (no {CASES_DIRNAME}/)",
             code=2)
    return root


def _checked_out(out: Path, root: Path) -> Path:
    """MkDocs empties the output directory first: refuse anything that is not a previous build."""
    resolved = out.resolve()
    protected = {REPO_ROOT.resolve(), root.resolve(), Path.home().resolve(), Path("/").resolve()}
    if resolved in protected or resolved in root.resolve().parents or (resolved / "mkdocs.yml").exists():
        fail(f"不能输出到 {out}：该目录会被清空", f"refusing to build into {out}: it would be emptied", code=2)
    if resolved.exists() and not resolved.is_dir():
        fail(f"{out} 不是目录", f"{out} is not a directory", code=2)
    if resolved.is_dir() and any(resolved.iterdir()) and not (resolved / "sitemap.xml").exists():
        fail(f"{out} 不是空目录，也不是以前构建的站点：为免误删，请换一个目录",
             f"{out} is neither empty nor a previous build: choose another directory (it would be emptied)", code=2)
    return resolved
