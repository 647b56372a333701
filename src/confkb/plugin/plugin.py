"""A thin MkDocs adapter: generated pages become ``File.generated`` files and the navigation.

Every event hands off to :mod:`confkb.site`; this module only translates to MkDocs objects.
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from confkb.pages.html import compact_html
from confkb.problems import ContentError
from confkb.site import SitePlan, manifest, prepare_site

log = logging.getLogger("mkdocs.plugins.confkb")

ASSETS = Path(__file__).parent / "assets"
ASSET_URIS = {"css": "assets/confkb/confkb.css", "js": "assets/confkb/confkb.js"}


class ConfkbConfig(Config):
    """Options of the ``confkb`` plugin in ``mkdocs.yml``."""

    enabled = c.Type(bool, default=True)
    talks_dir = c.Type(str, default="talks")
    tools_dir = c.Type(str, default="tools")
    results = c.Type(str, default=".confkb/results.json")
    nav = c.Type(bool, default=True)
    compact_html = c.Type(bool, default=True)


class ConfkbPlugin(BasePlugin[ConfkbConfig]):
    """Generate talk, tool, event, speaker, tag and snippet pages from ``talks/`` and ``tools/``."""

    def __init__(self) -> None:
        self.plan: SitePlan | None = None
        self.root = Path(".")
        self.docs_pages: list[str] = []

    def on_config(self, config):  # type: ignore[no-untyped-def]
        if not self.config.enabled:
            return config
        self.root = Path(config.config_file_path or ".").resolve().parent
        docs_dir = Path(config.docs_dir)
        self.docs_pages = sorted(p.relative_to(docs_dir).as_posix() for p in docs_dir.rglob("*.md")) \
            if docs_dir.is_dir() else []
        try:
            self.plan = prepare_site(
                self.root,
                talks_dir=self.config.talks_dir,
                tools_dir=self.config.tools_dir,
                results=self.root / self.config.results,
                site_title=config.site_name,
                docs_pages=self.docs_pages,
                directory_urls=config.use_directory_urls,
            )
        except ContentError as exc:
            raise PluginError(f"confkb: the content has problems:\n{exc.report()}") from None
        except ValueError as exc:
            raise PluginError(f"confkb: cannot read results file {self.config.results}: {exc}") from None
        if self.config.nav and config.nav is None:
            config.nav = self.plan.nav
        config.extra_css.append(ASSET_URIS["css"])
        config.extra_javascript.append(ASSET_URIS["js"])
        return config

    def on_files(self, files: Files, *, config):  # type: ignore[no-untyped-def]
        if not self.config.enabled or self.plan is None:
            return files
        written = {f.dest_uri: f.src_uri for f in files}
        docs = Path(config.docs_dir).name
        for page in self.plan.pages:
            if files.get_file_from_path(page.path) is not None:
                log.warning("%s/%s replaces the generated page of the same name", docs, page.path)
                continue
            inclusion = InclusionLevel.NOT_IN_NAV if page.path in self.plan.hidden else InclusionLevel.UNDEFINED
            file = File.generated(config, page.path, content=page.content, inclusion=inclusion)
            if file.dest_uri in written:
                # Two sources for one URL: MkDocs would silently keep only one of them.
                raise PluginError(
                    f"confkb: {docs}/{written[file.dest_uri]} and the generated page {page.path} would both "
                    f"be written to {file.dest_uri}; rename {docs}/{written[file.dest_uri]}"
                )
            files.append(file)
        for kind, uri in ASSET_URIS.items():
            files.append(File.generated(config, uri, abs_src_path=str(ASSETS / f"confkb.{kind}")))
        return files

    def on_serve(self, server, *, config, builder):  # type: ignore[no-untyped-def]
        if self.config.enabled:
            for folder in (self.config.talks_dir, self.config.tools_dir):
                if (self.root / folder).is_dir():
                    server.watch(str(self.root / folder))
            results = self.root / self.config.results
            if results.parent.is_dir():
                server.watch(str(results.parent))
        return server

    def on_post_page(self, output: str, *, page, config):  # type: ignore[no-untyped-def]
        if self.config.enabled and self.config.compact_html:
            return compact_html(output)
        return output

    def on_post_build(self, *, config):  # type: ignore[no-untyped-def]
        if not self.config.enabled or self.plan is None:
            return
        text = manifest(self.plan, self.docs_pages, Path(config.docs_dir).name, config.use_directory_urls)
        (Path(config.site_dir) / "confkb-manifest.json").write_text(text, encoding="utf-8")
