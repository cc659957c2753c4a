"""`flask pages check` lists every page problem with file and line, and exits non-zero."""

from __future__ import annotations

from pagetree import SITE
from pagetree import write_tree

from atrium.config import PROJECT_ROOT

BROKEN = {
    "en/yaml.md": "---\ntitle: ok\norder: [1, 2\n---\n# Bad YAML\n",
    "en/fence.md": "# Fence\n\n```python\nprint('never closed')\n",
    "en/search.md": "# A page over the search view\n",
    "en/links.md": "# Links\n\n[gone](/en/nowhere) [ok](/en/about) [rel](docs/install) "
    "[news](/de/news) ![pic](/static/img/missing.png) [out](https://example.com/x)\n",
    "en/keys.md": "---\ntitel: typo\nnav: sometimes\n---\n# Keys\n",
    "de/bytes.md": b"# \xff\xfe\n",
    "en/tpl.md": "---\ntemplate: fancy\n---\n# Template\n",
}


def test_check_lists_every_problem_and_fails(make_app, tmp_path):
    root = write_tree(tmp_path, {**SITE, **BROKEN})
    result = make_app(PAGES_ROOT=str(root)).test_cli_runner().invoke(args=["pages", "check"])
    assert result.exit_code == 1
    out = result.output
    assert "pages/en/yaml.md:4: malformed YAML header" in out
    assert "pages/en/fence.md:3: code block opened here is never closed" in out
    assert "pages/en/search.md: 'search' is reserved for the search view" in out
    assert "pages/en/links.md: broken link: /en/nowhere" in out
    assert "broken image: /static/img/missing.png" in out
    assert "/en/about" not in out and "docs/install" not in out and "example.com" not in out
    assert "pages/en/keys.md: unknown header key 'titel'" in out
    assert "header key 'nav' must be true or false" in out
    assert "pages/de/bytes.md: the file is not valid UTF-8" in out
    assert "pages/en/tpl.md: template 'content/fancy.html' does not exist" in out
    assert "Error: 9 problem(s) in 7 of" in out
    assert "Traceback" not in out


def test_check_passes_on_a_clean_tree(make_app, tmp_path):
    root = write_tree(tmp_path)
    result = make_app(PAGES_ROOT=str(root)).test_cli_runner().invoke(args=["pages", "check"])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_check_of_missing_folder_is_one_sentence(make_app, tmp_path):
    app = make_app(PAGES_ROOT=str(tmp_path / "nope"), LOCALES="en")
    result = app.test_cli_runner().invoke(args=["pages", "check"])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_shipped_pages_pass_the_check(make_app):
    app = make_app(PAGES_ROOT=str(PROJECT_ROOT / "pages"))
    result = app.test_cli_runner().invoke(args=["pages", "check"])
    assert result.exit_code == 0, result.output
