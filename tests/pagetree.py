"""Small page trees written into a test's temporary folder."""

from __future__ import annotations

import os
import time
from pathlib import Path

SITE = {
    "en/index.md": "---\ntitle: Home\norder: 0\nnav: true\n---\n# Welcome home\n\nHello.\n",
    "en/about.md": "---\ntitle: About us\norder: 2\nnav: true\n---\n# About us\n\nWe are a team.\n",
    "en/pricing.md": "---\ntitle: Pricing\norder: 1\nnav: true\ndate: 2026-11-01\n---\n"
    "# Pricing\n\nCheap.\n",
    "en/legal.md": "# Legal notice\n\nImprint.\n",
    "en/docs/index.md": "---\ntitle: Docs\norder: 3\nnav: true\n---\n# Docs\n\nRead these.\n",
    "en/docs/install.md": "---\ntitle: Install\norder: 1\n---\n# Install\n\n"
    "## Requirements\n\nPython.\n\n## Steps\n\n```python\nprint('hi')\n```\n",
    "en/docs/configure.md": "---\ntitle: Configure\norder: 2\n---\n# Configure\n\nSettings.\n",
    "de/index.md": "---\ntitle: Startseite\norder: 0\nnav: true\n---\n# Willkommen\n\nHallo.\n",
    "de/about.md": "---\ntitle: Über uns\norder: 2\nnav: true\n---\n# Über uns\n\nWir.\n",
    "de/docs/index.md": "---\ntitle: Doku\norder: 3\nnav: true\n---\n# Doku\n\nLesen.\n",
    "ar/index.md": "---\ntitle: الرئيسية\n---\n# مرحبا\n\nأهلا.\n",
}


def write_tree(root: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """Write `files` (relative path → text) under root/pages; return that folder."""
    pages = root / "pages"
    for name, content in (SITE if files is None else files).items():
        path = pages / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return pages


def edit(path: Path, text: str) -> None:
    """Rewrite a file in place with a later mtime, as an editor would a moment later."""
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))
