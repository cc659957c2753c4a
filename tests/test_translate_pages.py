"""Translated pages: missing, stale after the source changes, up to date again after `mark`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from translate_fixtures import make_project


@pytest.fixture
def project(tmp_path) -> dict[str, str]:
    return make_project(tmp_path)


@pytest.fixture
def app(make_app, project):
    return make_app(**project)


def pages_of(runner, locale: str) -> dict:
    result = runner.invoke(args=["translate", "status", "--format", "json", "--locale", locale])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["locales"][0]["pages"]


def test_a_page_is_stale_after_its_source_changes_until_marked(runner, project):
    root = Path(project["PAGES_ROOT"])
    german = root / "de" / "docs" / "api.md"
    german.parent.mkdir(parents=True)
    german.write_text("---\ntitle: API\n---\nDie API.\n", encoding="utf-8")
    assert pages_of(runner, "de") == {
        "total": 2,
        "translated": 0,
        "missing": ["index"],
        "stale": ["docs/api"],  # never marked: no one said which source it follows
        "unreadable": [],
        "percent": 0.0,
    }

    result = runner.invoke(args=["translate", "mark", "de", "docs/api.md"])
    assert result.exit_code == 0, result.output
    assert "docs/api.md: marked up to date" in result.output
    assert german.read_text().startswith("---\ntitle: API\ntranslation_of: sha256:")
    assert german.read_text().endswith("---\nDie API.\n")
    assert pages_of(runner, "de")["stale"] == []
    assert pages_of(runner, "de")["translated"] == 1

    source = root / "en" / "docs" / "api.md"
    source.write_text(source.read_text() + "\nA new paragraph.\n", encoding="utf-8")
    assert pages_of(runner, "de")["stale"] == ["docs/api"]

    assert runner.invoke(args=["translate", "mark", "de", "docs/api"]).exit_code == 0
    assert pages_of(runner, "de") == {
        "total": 2,
        "translated": 1,
        "missing": ["index"],
        "stale": [],
        "unreadable": [],
        "percent": 50.0,
    }
    assert german.read_text().count("translation_of:") == 1


def test_mark_adds_a_header_to_a_page_without_one(runner, project):
    german = Path(project["PAGES_ROOT"]) / "de" / "index.md"
    german.write_text("# Startseite\n", encoding="utf-8")
    result = runner.invoke(args=["translate", "mark", "de", "--all"])
    assert result.exit_code == 0, result.output
    text = german.read_text()
    assert text.startswith("---\ntranslation_of: sha256:") and text.endswith("---\n# Startseite\n")
    assert pages_of(runner, "de")["translated"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["de", "nowhere"], "Error: There is no source page 'nowhere' in"),
        (["de", "../secrets"], "Error: There is no source page '../secrets' in"),
        (["de", "docs/api"], "de/docs/api.md; translate the page first."),
        (["en", "index"], "Error: en is the source locale: its pages are the source."),
        (["de"], "Error: Name the pages to mark (e.g. docs/api), or use --all."),
        (["xx-Nope", "index"], "Error: 'xx-Nope' is not a known locale"),
    ],
)
def test_mark_refuses_what_it_cannot_do(runner, args, message):
    result = runner.invoke(args=["translate", "mark", *args])
    assert result.exit_code == 1
    assert message in result.output
