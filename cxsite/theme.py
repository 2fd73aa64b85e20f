"""Themes: the default theme ships in the package; a project's theme overrides it file by file."""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from importlib.metadata import version
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeAlias

import jinja2
from jinja2 import nodes

from cxsite.cache import Memo, digest
from cxsite.errors import LocatedError, did_you_mean

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


JINJA_DOCS = "https://jinja.palletsprojects.com/en/stable/templates/"
_UNKNOWN_NAME = re.compile(r"No (filter|test) named '([^']+)'")
_UNDEFINED = re.compile(r"^'([^']+)' is undefined$")


class ThemeRenderError(Exception):
    """A project's theme template failed while a page was rendered: where, and why."""

    def __init__(self, problem: LocatedError) -> None:
        super().__init__(problem)  # the only argument: pickles from a worker process
        self.problem = problem


def theme_templates(root: Path, theme: str | None) -> Path | None:
    """The project theme's templates folder, if it has one."""
    folder = root / "themes" / theme / "templates" if theme else None
    return folder if folder is not None and folder.is_dir() else None


def theme_problems(root: Path, theme: str | None) -> list[LocatedError]:
    """Every template syntax error and unknown template in the project's theme: its
    templates/**/*.html, and any other of its files they extend, include or import."""
    folder = theme_templates(root, theme)
    if folder is None:
        return []
    env = theme_environment(root, theme)
    own = jinja2.FileSystemLoader(folder)
    pending = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.html"))
    seen = set(pending)
    problems: list[LocatedError] = []
    while pending:
        name = pending.pop(0)
        rel = (folder / name).relative_to(root).as_posix()
        try:
            source, _, _ = own.get_source(env, name)
        except UnicodeDecodeError:
            problems.append(LocatedError(rel, 0, 0, "not UTF-8 text", "save the file as UTF-8"))
            continue
        try:
            tree = env.parse(source, name)
            env.compile(tree, name)  # unknown filters and tests are found here
        except jinja2.TemplateSyntaxError as exc:
            problems.append(_syntax_problem(env, rel, exc))
            continue
        for node, names, optional in _references(tree):
            found = [n for n in names if _exists(env, n)]
            if not found and not optional:
                problems.append(_unknown_template(env, rel, source, node, names))
            for referenced in found:
                if referenced not in seen and _exists(env, referenced, own):
                    seen.add(referenced)
                    pending.append(referenced)
    return problems


def _syntax_problem(
    env: jinja2.Environment, rel: str, exc: jinja2.TemplateSyntaxError
) -> LocatedError:
    message = (exc.message or str(exc)).rstrip(".")
    hint = ""
    unknown = _UNKNOWN_NAME.search(message)
    if unknown is not None:
        kind, word = unknown.groups()
        message = f"unknown {kind} `{word}`"
        hint = did_you_mean(word, env.filters if kind == "filter" else env.tests)
    return LocatedError(
        rel, exc.lineno, 0, f"template syntax error: {message}", hint or f"see {JINJA_DOCS}"
    )


_Reference: TypeAlias = nodes.Extends | nodes.Include | nodes.Import | nodes.FromImport
_TAG = {nodes.Extends: "{% extends %}", nodes.Include: "{% include %}",
        nodes.Import: "{% import %}", nodes.FromImport: "{% from %}"}  # fmt: skip


def _references(tree: nodes.Template) -> Iterable[tuple[_Reference, list[str], bool]]:
    """Each extends, include and import naming its templates literally: the node, the names
    (a list means the first that exists) and whether a missing one is allowed."""
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        assert isinstance(node, _Reference)
        target = node.template
        items = target.items if isinstance(target, nodes.List | nodes.Tuple) else [target]
        names = [i.value for i in items if isinstance(i, nodes.Const) and isinstance(i.value, str)]
        if names and len(names) == len(items):  # a name made at render time cannot be checked
            yield node, names, isinstance(node, nodes.Include) and node.ignore_missing


def _exists(env: jinja2.Environment, name: str, loader: jinja2.BaseLoader | None = None) -> bool:
    try:
        (loader or env.loader or jinja2.BaseLoader()).get_source(env, name)
    except jinja2.TemplateNotFound:
        return False
    return True


def _unknown_template(
    env: jinja2.Environment, rel: str, source: str, node: _Reference, names: list[str]
) -> LocatedError:
    lines = source.splitlines()
    text = lines[node.lineno - 1] if node.lineno <= len(lines) else ""
    col = text.find(names[0]) + 1  # the name as written, after its quote
    which = " or ".join(f"`{n}`" for n in names)
    # Compared without `.html`, which every name shares and which would make any two close.
    by_stem = {n.rsplit(".", 1)[0]: n for n in env.list_templates() if ":" not in n}
    close = did_you_mean(names[0].rsplit(".", 1)[0], by_stem)
    if close:  # name the file, not its stem
        hint = re.sub(r"`([^`]+)`", lambda m: f"`{by_stem[m.group(1)]}`", close, count=1)
    else:
        folder = rel.rsplit("/templates/", 1)[0]
        hint = (
            f"no such file in {folder}/templates/ or the default theme; "
            "`default:NAME` names the default theme's NAME"
        )
    return LocatedError(
        rel,
        node.lineno,
        max(col, 0),
        f"`{_TAG[type(node)]}` names an unknown template {which}",
        hint,
    )


def render_problem(
    exc: BaseException,
    env: jinja2.Environment,
    root: Path,
    theme: str | None,
    page: str,
    names: Iterable[str] = (),
) -> LocatedError | None:
    """The located error of an exception raised while a page rendered, at the innermost line
    of the project's theme it passed through; None when no theme file was involved."""
    folder = theme_templates(root, theme)
    if folder is None:
        return None
    inside = folder.resolve()
    frames = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if Path(frame.filename).resolve().is_relative_to(inside)
    ]
    if not frames:
        return None
    frame = frames[-1]
    rel = Path(frame.filename).resolve().relative_to(root.resolve()).as_posix()
    message = str(exc).rstrip(".")
    hint = ""
    undefined = _UNDEFINED.match(message)
    unknown = _UNKNOWN_NAME.search(message)
    if isinstance(exc, jinja2.UndefinedError) and undefined is not None:
        message = f"`{undefined.group(1)}` is undefined"
        hint = did_you_mean(undefined.group(1), names) or (
            "the default theme's template of the same name shows what this page has"
        )
    elif unknown is not None:
        kind, word = unknown.groups()
        message = f"unknown {kind} `{word}`"
        hint = did_you_mean(word, env.filters if kind == "filter" else env.tests)
    message = f"{message} (while rendering {page})"
    return LocatedError(rel, frame.lineno or 0, 0, message, hint or f"see {JINJA_DOCS}")


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


# Files made from the installed altair and vl-convert, shipped with cxsite so that a build
# on a fresh machine makes neither (scripts/prebuild.py writes them).
PREBUILT = "prebuilt"


def shipped_vega_bundle_name(vl_convert_version: str) -> str:
    """The file name under cxsite/prebuilt/ of the bundle made by that vl-convert version."""
    return f"vega-bundle-{vl_convert_version}.js"


@lru_cache(maxsize=1)
def make_vega_bundle() -> bytes:
    """The bundle as the installed vl-convert makes it (about a second, once per process)."""
    import vl_convert

    bundle = vl_convert.javascript_bundle()  # type: ignore[call-arg]  # snippet is optional
    return str(bundle).encode("utf-8")


def _vega_bundle(vl_convert_version: str, memo: Memo | None) -> bytes:
    shipped = resources.files("cxsite") / PREBUILT / shipped_vega_bundle_name(vl_convert_version)
    if shipped.is_file():
        return shipped.read_bytes()
    key = digest("vega-bundle", vl_convert_version)
    bundle = memo.get("vendor", key) if memo is not None else None
    if bundle is None:
        bundle = make_vega_bundle()
        if memo is not None:
            memo.put("vendor", key, bundle)
    return bundle


def vendor_assets(memo: Memo | None = None) -> dict[str, bytes]:
    """Vega, Vega-Lite and vega-embed in one script, from the vl-convert-python package.

    vl-convert makes the bundle on each call (about a second), so the bundle of the
    vl-convert version cxsite was released with ships in the package; with another version,
    it is made once and remembered in the cache under that version.
    """
    return {"vendor/vega-bundle.js": _vega_bundle(version("vl-convert-python"), memo)}


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            found.extend(_walk(entry, f"{name}/"))
        elif entry.is_file():
            found.append((name, entry.read_bytes()))
    return found
