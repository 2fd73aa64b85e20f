"""Themes: the default theme ships in the package; a project's theme overrides it file by file."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2

from cxsite.cache import Memo, digest

DEFAULT_THEME = "default"


def theme_environment(root: Path, theme: str | None) -> jinja2.Environment:
    """A Jinja environment: the project's templates first, then the default theme.

    `{% extends "default:base.html" %}` always reaches the default theme's template, so an
    override can extend the template it replaces.
    """
    default = jinja2.PackageLoader("cxsite", f"themes/{DEFAULT_THEME}/templates")
    loaders: list[jinja2.BaseLoader] = []
    if theme:
        loaders.append(jinja2.FileSystemLoader(root / "themes" / theme / "templates"))
    loaders += [jinja2.PrefixLoader({DEFAULT_THEME: default}, delimiter=":"), default]
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def template_fingerprint(env: jinja2.Environment) -> str:
    """A hash of every template's name and source: any template change changes it."""
    loader = env.loader
    assert loader is not None
    parts: list[str] = []
    for name in sorted(set(env.list_templates())):
        source, _, _ = loader.get_source(env, name)
        parts += [name, source]
    return digest(*parts)


def theme_assets(root: Path, theme: str | None) -> dict[str, bytes]:
    """Static files by relative path: the default theme's, overridden by the project theme's."""
    assets = dict(_walk(resources.files("cxsite") / "themes" / DEFAULT_THEME / "static", ""))
    if theme:
        folder = root / "themes" / theme / "static"
        if folder.is_dir():
            # A file linking outside the project is never copied into the site.
            assets.update(
                (path.relative_to(folder).as_posix(), path.read_bytes())
                for path in sorted(folder.rglob("*"))
                if path.is_file() and path.resolve().is_relative_to(root.resolve())
            )
    return dict(sorted(assets.items()))


@lru_cache(maxsize=1)
def _vega_bundle() -> bytes:
    import vl_convert

    bundle = vl_convert.javascript_bundle()  # type: ignore[call-arg]  # snippet is optional
    return str(bundle).encode("utf-8")


def vendor_assets(memo: Memo | None = None) -> dict[str, bytes]:
    """Vega, Vega-Lite and vega-embed in one script, from the vl-convert-python package.

    Bundling takes about a second, so the bundle is remembered per vl-convert version.
    """
    key = digest("vega-bundle", version("vl-convert-python"))
    bundle = memo.get("vendor", key) if memo is not None else None
    if bundle is None:
        bundle = _vega_bundle()
        if memo is not None:
            memo.put("vendor", key, bundle)
    return {"vendor/vega-bundle.js": bundle}


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            found.extend(_walk(entry, f"{name}/"))
        elif entry.is_file():
            found.append((name, entry.read_bytes()))
    return found
