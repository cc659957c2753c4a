"""The gettext catalogs under translations/: extract, init, update, check and compile.

Everything goes through Babel's Python API. Extraction does what
`pybabel extract -F babel.cfg -k _l -o translations/messages.pot .` does from the
repository root, byte for byte but for the creation date, so the plain commands and
`flask translate` stay interchangeable.

The source locale (the default, `en`) has a catalog too: its translations equal the
message ids (`init` and `update` fill them), so it reads as complete and a wording fix in
the source language can still be made in its catalog without changing the code.
"""

from __future__ import annotations

import copy
import io
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.catalog import Message
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError
from babel.messages.pofile import read_po
from babel.messages.pofile import write_po
from babel.util import LOCALTZ
from flask import current_app
from jinja2 import TemplateSyntaxError

from ..config import PROJECT_ROOT

DOMAIN = "messages"
#: Keywords beyond Babel's defaults, as in the README's `pybabel extract -k _l`.
KEYWORDS = ["_l"]
WIDTH = 76
_CREATION_DATE = re.compile(rb'^"POT-Creation-Date: [^"]*"\n', re.MULTILINE)


class CatalogError(Exception):
    """A catalog cannot be read or written; `str()` names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{display(path)}{f':{line}' if line else ''}: {message}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one message of a catalog."""

    path: str
    line: int | None
    msgid: str
    message: str

    def one_line(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" + (f" (msgid {self.msgid!r})" if self.msgid else "")


# -- where things are -------------------------------------------------------------------


def root() -> Path:
    """The translations folder of the current app (`TRANSLATIONS_ROOT`)."""
    return Path(current_app.config["TRANSLATIONS_ROOT"])


def template_path() -> Path:
    return root() / f"{DOMAIN}.pot"


def po_path(name: str) -> Path:
    return root() / name / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(name: str) -> Path:
    return po_path(name).with_suffix(".mo")


def names() -> list[str]:
    """Babel names of the catalogs present (folders with a `messages.po`), sorted."""
    if not root().is_dir():
        return []
    return sorted(
        p.name for p in root().iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


def display(path: Path | str) -> str:
    """A path as a translator types it: relative to the repository root when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def source_name() -> str:
    """The Babel name of the source locale (the app's default)."""
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# -- reading and writing ----------------------------------------------------------------


_PO_LINE = re.compile(
    r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+)?"(?:[^"\\]|\\.)*"\s*$'
)


def read(path: Path, locale: str | None = None) -> Catalog:
    """Read a `.po`/`.pot`; a syntax error is a `CatalogError` naming file and line.

    Babel's parser quietly truncates an unterminated string (`msgid "Broken` reads as
    `Broke`) or text after one, so each line is checked first.
    """
    try:
        data = Path(path).read_bytes()
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            line = line.strip()
            if line.startswith("#~"):  # an obsolete message: its text must be sound too
                line = line[2:].strip().lstrip("|").strip()
            if line and not line.startswith("#") and not _PO_LINE.match(line):
                raise CatalogError(path, number, "syntax error: not a keyword and a quoted string")
        return read_po(io.BytesIO(data), locale=locale, domain=DOMAIN, abort_invalid=True)
    except PoFileError as e:
        raise CatalogError(path, e.lineno + 1, f"syntax error: {_reason(e)}") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise CatalogError(path, None, f"cannot be read: {e}") from None
    except OSError as e:
        raise CatalogError(path, None, f"cannot be read: {e.strerror}") from None


def _reason(e: PoFileError) -> str:
    return str(e).rsplit(" on ", 1)[0]


def _write_atomically(path: Path, data: bytes) -> None:
    """Readers (running workers) see the old file or the new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644  # mkstemp makes 0600
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fp:
            fp.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH)
    return buffer.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


# -- extract ----------------------------------------------------------------------------


def extract_template() -> bytes:
    """What `pybabel extract -F babel.cfg -k _l -o translations/messages.pot .` writes."""
    try:
        with open(PROJECT_ROOT / "babel.cfg") as fp:
            method_map, options_map = parse_mapping_cfg(fp, filename="babel.cfg")
    except OSError as e:
        raise CatalogError(
            PROJECT_ROOT / "babel.cfg", None, f"cannot be read: {e.strerror}"
        ) from None
    keywords = DEFAULT_KEYWORDS.copy()
    keywords.update(parse_keywords(KEYWORDS))
    catalog = Catalog(charset="utf-8")
    current = ["babel.cfg"]

    def note(filename: str, method: str, options: dict) -> None:
        current[0] = filename  # which file a syntax error comes from

    found = extract_from_dir(
        str(PROJECT_ROOT), method_map, options_map, keywords=keywords, callback=note
    )
    try:
        for filename, lineno, message, comments, context in found:
            filepath = os.path.normpath(os.path.join(".", filename))
            catalog.add(
                message, None, [(filepath, lineno)], auto_comments=comments, context=context
            )
    except (SyntaxError, TemplateSyntaxError) as e:  # `silent = false`: stop, and say where
        reason = e.msg if isinstance(e, SyntaxError) else e.message
        raise CatalogError(
            PROJECT_ROOT / current[0], e.lineno, f"cannot extract: {reason}"
        ) from None
    return po_bytes(catalog)


def same_template(a: bytes, b: bytes) -> bool:
    """Equal but for the creation date in the header."""
    return _CREATION_DATE.sub(b"", a) == _CREATION_DATE.sub(b"", b)


def extract() -> tuple[bool, int]:
    """Write messages.pot when its messages changed; (written, number of messages)."""
    fresh = extract_template()
    path = template_path()
    written = not (path.is_file() and same_template(path.read_bytes(), fresh))
    if written:
        _write_atomically(path, fresh)
    return written, len(read(path))


# -- init and update --------------------------------------------------------------------


def init(name: str) -> Path:
    """Start the catalog of `name` (a Babel name) from messages.pot."""
    path = po_path(name)
    if path.exists():
        raise CatalogError(path, None, "already exists; run flask translate update instead")
    if not template_path().is_file():
        extract()
    catalog = read(template_path(), locale=name)
    catalog.locale = Locale.parse(name)
    catalog.revision_date = datetime.now(LOCALTZ)
    catalog.fuzzy = False
    if name == source_name():
        fill_source(catalog)
    _write_atomically(path, po_bytes(catalog))
    return path


def update(name: str, template: Catalog) -> Counter:
    """Merge messages.pot into one catalog, as `pybabel update` does; what changed."""
    path = po_path(name)
    catalog = read(path, locale=name)
    before = {m.id for m in catalog if m.id}
    # A copy: Babel's update shares the template's messages, and filling the source
    # catalog would otherwise write its ids into every catalog merged after it.
    catalog.update(copy.deepcopy(template), update_header_comment=False)
    if name == source_name():
        fill_source(catalog)
    after = [m for m in catalog if m.id]
    changes = Counter(
        new=sum(1 for m in after if m.id not in before),
        fuzzy=sum(1 for m in after if m.fuzzy),
        obsolete=len(catalog.obsolete),
    )
    _write_atomically(path, po_bytes(catalog))
    return changes


def fill_source(catalog: Catalog) -> None:
    """In the source catalog, a message untranslated or fuzzy reads as its id."""
    for message in catalog:
        if not message.id or (is_translated(message) and not message.fuzzy):
            continue
        message.string = (
            tuple(message.id[0] if i == 0 else message.id[1] for i in range(catalog.num_plurals))
            if message.pluralizable
            else message.id
        )
        message.flags.discard("fuzzy")
        message.previous_id = []


# -- what a message is ------------------------------------------------------------------


def forms(message: Message) -> list[str]:
    if isinstance(message.string, (list, tuple)):
        return list(message.string)
    return [message.string or ""]


def is_translated(message: Message) -> bool:
    """Every form translated (a plural message counts once)."""
    return all(forms(message))


def msgid(message: Message) -> str:
    """The singular id (what a translator searches for)."""
    return message.id[0] if isinstance(message.id, (list, tuple)) else message.id


# -- check ------------------------------------------------------------------------------

_PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?(?P<flags>[-#0 +]*)(?:\*|\d+)?(?:\.(?:\*|\d+))?"
    r"[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)
_BRACES = re.compile(r"(?<!\{)\{(?P<name>[A-Za-z_][A-Za-z0-9_]*|\d*)(?:![rsa])?(?::[^{}]*)?\}")
#: The number of a plural message may be left out of forms that stand for one number
#: ("one file", "أيام" for two in Arabic, …).
_COUNTS = {"num", "count", "n"}


def placeholders(text: str, printf: bool) -> Counter:
    """The placeholders of a string: `%(name)s`, `%s`, `{name}` (with their types)."""
    found: Counter = Counter()
    if printf:
        positional = 0
        for m in _PRINTF.finditer(text):
            if m["type"] == "%":
                continue
            if m["name"] is not None:
                found[f"%({m['name']}){_kind(m['type'])}"] += 1
            else:
                positional += 1
                found[f"%{_kind(m['type'])} #{positional}"] += 1
    for m in _BRACES.finditer(text.replace("{{", "").replace("}}", "")):
        found["{" + m["name"] + "}"] += 1
    return found


def _kind(type_: str) -> str:
    """Compatible conversions count as one kind (`%(n)d` and `%(n)i`)."""
    for group in ("diu", "xX", "eEfFgG", "sra"):
        if type_ in group:
            return group[0]
    return type_


def _is_count(placeholder: str) -> bool:
    name = re.sub(r"^%\((\w*)\).*$|^\{(\w*)\}$", r"\1\2", placeholder)
    return name in _COUNTS or placeholder.startswith("%d #")


def message_problems(catalog: Catalog, message: Message) -> Iterator[str]:
    """What is wrong with one translated message (its placeholders and plural forms)."""
    strings = forms(message)
    if not any(strings) or message.fuzzy:
        return
    # Babel flags an id with %-placeholders `python-format` (on extraction and reading).
    printf = "python-format" in message.flags
    if message.pluralizable:
        if len(strings) != catalog.num_plurals:
            yield (
                f"has {len(strings)} plural forms, the catalog's language needs "
                f"{catalog.num_plurals}"
            )
        elif not all(strings):
            missing = ", ".join(f"msgstr[{i}]" for i, s in enumerate(strings) if not s)
            yield f"incomplete plural: {missing} empty"
        source = placeholders(message.id[0], printf) | placeholders(message.id[1], printf)
        for i, text in enumerate(strings):
            if text:
                yield from _compare(source, placeholders(text, printf), f"msgstr[{i}] ", True)
    else:
        yield from _compare(
            placeholders(message.id, printf), placeholders(strings[0], printf), "", False
        )


def _compare(source: Counter, translation: Counter, where: str, plural: bool) -> Iterator[str]:
    dropped = sorted(p for p in source if p not in translation and not (plural and _is_count(p)))
    added = sorted(p for p in translation if p not in source)
    if dropped and added:
        yield f"{where}renames placeholder {', '.join(dropped)} to {', '.join(added)}"
    elif dropped:
        yield f"{where}drops placeholder {', '.join(dropped)}"
    elif added:
        yield f"{where}adds placeholder {', '.join(added)}"


def check(path: Path) -> list[Problem]:
    """Every problem of one `.po` file: syntax, placeholders, plural forms."""
    shown = display(path)
    try:
        catalog = read(path)
    except CatalogError as e:
        return [Problem(shown, e.line, "", e.message)]
    problems = []
    for message in catalog:
        if not message.id:
            continue
        for text in message_problems(catalog, message):
            problems.append(Problem(shown, message.lineno, msgid(message), text))
    return problems


# -- compile ----------------------------------------------------------------------------


def compiled(name: str) -> bytes:
    """The `.mo` content the `.po` of `name` compiles to (fuzzy messages left out)."""
    return mo_bytes(read(po_path(name), locale=name))


def mo_is_current(name: str) -> bool:
    """The committed `.mo` holds what its `.po` compiles to (content, not modification time)."""
    path = mo_path(name)
    return path.is_file() and path.read_bytes() == compiled(name)


def compile_catalog(name: str) -> tuple[list[Problem], bool]:
    """Check, then write the `.mo` when clean; (problems, written). With problems the
    previous `.mo` stays, so a broken catalog never reaches the site."""
    problems = check(po_path(name))
    if problems:
        return problems, False
    data = compiled(name)
    path = mo_path(name)
    if path.is_file() and path.read_bytes() == data:
        return [], False
    _write_atomically(path, data)
    return [], True
