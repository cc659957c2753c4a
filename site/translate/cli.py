"""`flask translate`: the pybabel workflow with the project's paths and BCP 47 tags.

flask translate extract            messages.pot from the code and templates
flask translate init pt-BR         start a catalog (translations/pt_BR/)
flask translate update             extract, then merge messages.pot into every catalog
flask translate check              placeholders, plural forms, syntax; stale .pot/.mo
flask translate compile            check, then write the .mo of every clean catalog
flask translate status             strings and pages per locale (--format json)
flask translate mark de docs/api   the German docs/api follows the current source
"""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from .. import i18n
from . import catalogs
from . import pages
from . import status as status_report
from .catalogs import CatalogError

translate = AppGroup("translate", help="Work on the UI catalogs and the translated pages.")


def _tag(value: str) -> str:
    tag = i18n.canonical_tag(value)
    if tag is None:
        raise click.ClickException(f"{value!r} is not a known locale (try a tag like pt-BR).")
    return tag


def _selected(locale: str | None) -> list[str]:
    """Babel names of the catalogs to work on: one (`--locale`) or all present."""
    if locale is None:
        return catalogs.names()
    name = i18n.babel_name(_tag(locale))
    if not catalogs.po_path(name).is_file():
        path = catalogs.display(catalogs.po_path(name))
        raise click.ClickException(f"There is no catalog {path}; run flask translate init.")
    return [name]


def _locale_option(function):
    return click.option("--locale", help="Only this locale (a BCP 47 tag, e.g. pt-BR).")(function)


@translate.command("extract")
def extract_messages() -> None:
    """Extract the marked strings into translations/messages.pot."""
    try:
        written, count = catalogs.extract()
    except CatalogError as e:
        raise click.ClickException(str(e)) from None
    where = catalogs.display(catalogs.template_path())
    click.echo(f"{where}: {count} messages" + ("" if written else ", unchanged."))


@translate.command("init")
@click.argument("lang")
def init_catalog(lang: str) -> None:
    """Start the catalog of LANG (a BCP 47 tag: pt-BR makes translations/pt_BR)."""
    tag = _tag(lang)
    try:
        path = catalogs.init(i18n.babel_name(tag))
    except CatalogError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Created {catalogs.display(path)}; translate it, then run flask translate compile.")
    if tag not in i18n.supported():
        click.echo(f"Note: {tag} is not served yet: add pages/{tag}/ or list it in ATRIUM_LOCALES.")


@translate.command("update")
@_locale_option
@click.option("--no-extract", is_flag=True, help="Use messages.pot as it is.")
def update_catalogs(locale: str | None, no_extract: bool) -> None:
    """Extract (unless --no-extract), then merge messages.pot into the catalogs."""
    names = _selected(locale)
    try:
        if not no_extract:
            catalogs.extract()
        template = catalogs.read(catalogs.template_path())
        for name in names:
            changes = catalogs.update(name, template)
            click.echo(
                f"{catalogs.display(catalogs.po_path(name))}: {changes['new']} new, "
                f"{changes['fuzzy']} fuzzy, {changes['obsolete']} obsolete"
            )
    except CatalogError as e:
        raise click.ClickException(str(e)) from None


@translate.command("check")
@_locale_option
def check_catalogs(locale: str | None) -> None:
    """Find broken placeholders, incomplete plurals, syntax errors and stale files."""
    names = _selected(locale)
    problems: list[str] = []
    clean: list[str] = []
    for name in names:
        found = catalogs.check(catalogs.po_path(name))
        problems += [p.one_line() for p in found]
        if not found:
            clean.append(name)
    if locale is None:
        pot = catalogs.template_path()
        try:
            fresh = catalogs.extract_template()
        except CatalogError as e:
            problems.append(str(e))
        else:
            if not pot.is_file() or not catalogs.same_template(pot.read_bytes(), fresh):
                problems.append(
                    f"{catalogs.display(pot)}: out of date with the code; "
                    "run flask translate update"
                )
    for name in clean:  # a broken catalog cannot be compiled: its errors come first
        if not catalogs.mo_is_current(name):
            problems.append(
                f"{catalogs.display(catalogs.mo_path(name))}: not compiled from its .po; "
                "run flask translate compile"
            )
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the catalogs.")
    click.echo(f"{len(names)} catalog(s) checked: no problems.")


@translate.command("compile")
@_locale_option
def compile_catalogs(locale: str | None) -> None:
    """Check every catalog, then compile the clean ones. A catalog with errors keeps its
    previous .mo, so a mistake never reaches the site."""
    names = _selected(locale)
    refused: list[str] = []
    written = 0
    with click.progressbar(names, label="Compiling", item_show_func=lambda n: n) as bar:
        for name in bar:
            problems, wrote = catalogs.compile_catalog(name)
            written += wrote
            if problems:
                refused.append(catalogs.display(catalogs.po_path(name)))
                for problem in problems:
                    click.echo("\n" + problem.one_line(), err=True, nl=False)
    if refused:
        click.echo("", err=True)
        raise click.ClickException(
            f"Not compiled, previous .mo kept: {', '.join(refused)} (errors above)."
        )
    click.echo(f"{written} of {len(names)} catalog(s) compiled; the others were up to date.")


@translate.command("status")
@_locale_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    help="Exit non-zero when a locale has fewer UI strings translated (percent).",
)
@click.option(
    "--pages-fail-under",
    type=click.FloatRange(0, 100),
    help="Exit non-zero when a locale has fewer pages translated and up to date (percent).",
)
def show_status(
    locale: str | None, fmt: str, fail_under: float | None, pages_fail_under: float | None
) -> None:
    """UI strings and pages per locale: translated, fuzzy or stale, missing."""
    try:
        report = status_report.report(locale)
    except (ValueError, CatalogError) as e:
        raise click.ClickException(str(e)) from None
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _table(report, detailed=locale is not None)
    below = [
        f"{entry['locale']} strings {entry['strings']['percent']}%"
        for entry in report["locales"]
        if fail_under is not None and entry["strings"]["percent"] < fail_under
    ] + [
        f"{entry['locale']} pages {entry['pages']['percent']}%"
        for entry in report["locales"]
        if pages_fail_under is not None and entry["pages"]["percent"] < pages_fail_under
    ]
    if below:
        raise click.ClickException(f"Below the required coverage: {', '.join(below)}.")


def _table(report: dict, detailed: bool) -> None:
    click.echo(
        f"{'locale':10} {'strings':>9} {'%':>6} {'fuzzy':>6} {'untr.':>6}   "
        f"{'pages':>7} {'%':>6} {'missing':>8} {'stale':>6}"
    )
    for entry in report["locales"]:
        s, p = entry["strings"], entry["pages"]
        name = entry["locale"] + (" (src)" if entry["source"] else "")
        click.echo(
            f"{name:10} {s['translated']:>4}/{s['total']:<4} {s['percent']:>6.1f} "
            f"{s['fuzzy']:>6} {s['untranslated']:>6}   {p['translated']:>3}/{p['total']:<3} "
            f"{p['percent']:>6.1f} {len(p['missing']):>8} {len(p['stale']):>6}"
        )
        if entry["error"]:
            click.echo(f"  error: {entry['error']}")
        for item in p["unreadable"]:
            click.echo(
                f"  unreadable page {item['path']}: {item['file']} is not valid UTF-8 text, "
                "so its status is unknown."
            )
        if detailed:
            for label, items in (
                ("untranslated", s["untranslated_ids"]),
                ("fuzzy", s["fuzzy_ids"]),
                ("missing page", p["missing"]),
                ("stale page", p["stale"]),
            ):
                for item in items:
                    click.echo(f"  {label}: {item}")


@translate.command("mark")
@click.argument("lang")
@click.argument("paths", nargs=-1)
@click.option("--all", "all_pages", is_flag=True, help="Every existing translation of LANG.")
def mark_pages(lang: str, paths: tuple[str, ...], all_pages: bool) -> None:
    """Record that the LANG translation of each PATH (e.g. docs/api) follows its source."""
    tag = _tag(lang)
    if tag == i18n.default():
        raise click.ClickException(f"{tag} is the source locale: its pages are the source.")
    if all_pages:
        paths = tuple(p for p in pages.source_paths() if (pages.folder(tag) / f"{p}.md").is_file())
    if not paths:
        raise click.ClickException("Name the pages to mark (e.g. docs/api), or use --all.")
    for path in paths:
        try:
            file, changed = pages.mark(tag, path)
        except pages.PageError as e:
            raise click.ClickException(str(e)) from None
        state = "marked up to date" if changed else "already up to date"
        click.echo(f"{catalogs.display(file)}: {state}")
