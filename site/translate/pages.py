"""Which translated pages are missing or stale.

A translated page records the source it was made from in its header:
`translation_of: sha256:<16 hex digits>`, the hash of the source page's file (header and
body, line endings normalised). When the source changes, the hash no longer matches and
the translation is stale until a translator updates it and runs
`flask translate mark LANG PATH`. A translation without the key counts as stale too: no
one has said which source it follows. A page file that is not UTF-8 text is unreadable:
it is listed as such (its status cannot be known), and the other pages are still counted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from flask import current_app

from .. import i18n
from ..content.parsing import PageError as HeaderError
from ..content.parsing import load_header
from .catalogs import display

KEY = "translation_of"
_FENCE = "---"


class PageError(Exception):
    """A page cannot be marked; the message names the file."""


def pages_root() -> Path:
    return Path(current_app.config["PAGES_ROOT"])


def folder(tag: str) -> Path:
    """The pages of a locale live under its BCP 47 tag (`pages/pt-BR/`)."""
    return pages_root() / tag


def source_paths() -> list[str]:
    """Paths of the source pages (`docs/api`), sorted."""
    base = folder(i18n.default())
    if not base.is_dir():
        return []
    return sorted(p.relative_to(base).with_suffix("").as_posix() for p in base.rglob("*.md"))


def source_hash(path: str) -> str:
    text = (folder(i18n.default()) / f"{path}.md").read_bytes().replace(b"\r\n", b"\n")
    return "sha256:" + hashlib.sha256(text.rstrip()).hexdigest()[:16]


def recorded(file: Path) -> str | None:
    """The `translation_of` value in a page's header, or None (UnicodeDecodeError when the
    file is not UTF-8)."""
    header, _ = _split(file.read_text(encoding="utf-8"))
    if header is None:
        return None
    try:
        meta = load_header("\n".join(header)) or {}
    except HeaderError:  # malformed, or refused (an alias): no recorded source
        return None
    value = meta.get(KEY) if isinstance(meta, dict) else None
    return str(value) if value else None


@dataclass
class PageStatus:
    total: int = 0
    translated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    #: (path, file) of pages whose file (the translation's or the source's) is not UTF-8
    #: text: their status is unknown.
    unreadable: list[tuple[str, Path]] = field(default_factory=list)


def readable(file: Path) -> bool:
    try:
        file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True


def status(tag: str) -> PageStatus:
    """Pages of `tag` against the source: up to date, missing, stale, unreadable."""
    paths = source_paths()
    result = PageStatus(total=len(paths))
    source = folder(i18n.default())
    for path in paths:
        file = folder(tag) / f"{path}.md"
        if not readable(source / f"{path}.md"):  # no translation can follow it
            result.unreadable.append((path, source / f"{path}.md"))
        elif tag == i18n.default():
            result.translated.append(path)
        elif not file.is_file():
            result.missing.append(path)
        elif not readable(file):
            result.unreadable.append((path, file))
        elif recorded(file) != source_hash(path):
            result.stale.append(path)
        else:
            result.translated.append(path)
    return result


def normalise(path: str) -> str:
    """`docs/api`, `docs/api.md` and `/docs/api` all name the page `docs/api`."""
    path = path.strip().strip("/")
    return path[:-3] if path.endswith(".md") else path


def mark(tag: str, path: str) -> tuple[Path, bool]:
    """Record in the translation of `path` that it follows the current source;
    (file, changed)."""
    path = normalise(path)
    source = folder(i18n.default()) / f"{path}.md"
    if not path or ".." in path.split("/") or not source.is_file():
        raise PageError(f"There is no source page {path!r} in {display(source.parent)}.")
    file = folder(tag) / f"{path}.md"
    if not file.is_file():
        raise PageError(f"There is no translation {display(file)}; translate the page first.")
    value = source_hash(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise PageError(f"{display(file)} is not valid UTF-8 (byte {e.start}).") from None
    updated = with_key(text, value)
    if updated != text:
        file.write_text(updated, encoding="utf-8")
    return file, updated != text


def with_key(text: str, value: str) -> str:
    """`text` with `translation_of: value` in its header (a header is added if need be)."""
    line = f"{KEY}: {value}"
    header, body = _split(text)
    if header is None:
        return f"{_FENCE}\n{line}\n{_FENCE}\n{text}"
    pattern = re.compile(rf"^{KEY}\s*:")
    if any(pattern.match(h) for h in header):
        header = [line if pattern.match(h) else h for h in header]
    else:
        header = [*header, line]
    return "\n".join([_FENCE, *header, _FENCE]) + "\n" + body


def _split(text: str) -> tuple[list[str] | None, str]:
    """(header lines, body) of a page fenced by `---`; (None, text) without a header."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        return None, text
    for i, line in enumerate(lines[1:], start=1):
        if line.rstrip() == _FENCE:
            return lines[1:i], "\n".join(lines[i + 1 :])
    return None, text
