"""`flask users` and `flask seed`, as an operator types them."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from atrium.extensions import db as _db
from atrium.models import AuditEntry
from atrium.models import Post
from atrium.models import Product
from atrium.models import User


def test_create_user_with_password_from_stdin(runner, db):
    result = runner.invoke(
        args=["users", "create", "Ed@Example.com", "--role", "editor", "--password-stdin"],
        input="s3cret-pass\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created editor ed@example.com." in result.output
    user = db.session.scalar(select(User).where(User.email == "ed@example.com"))
    assert user.role == "editor"
    assert user.password_hash != "s3cret-pass"
    assert user.check_password("s3cret-pass")


def test_create_user_prompts_for_password(runner, db):
    result = runner.invoke(
        args=["users", "create", "v@example.com"], input="longenough\nlongenough\n"
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "v@example.com")) == "viewer"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["not-an-email"], "'not-an-email' is not a valid email address"),
        (["x@example.com", "--role", "boss"], "'boss' is not one of"),
    ],
)
def test_create_user_rejects_bad_input_in_one_sentence(runner, args, message):
    result = runner.invoke(
        args=["users", "create", *args, "--password-stdin"], input="longenough\n"
    )
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_create_user_refuses_duplicate_email_whatever_its_case(runner):
    runner.invoke(
        args=["users", "create", "a@example.com", "--password-stdin"], input="longenough\n"
    )
    result = runner.invoke(
        args=["users", "create", "A@EXAMPLE.com", "--password-stdin"], input="longenough\n"
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_short_password_is_refused(runner):
    result = runner.invoke(
        args=["users", "create", "a@example.com", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output


def test_list_and_set_password(runner, db):
    runner.invoke(
        args=["users", "create", "b@example.com", "--password-stdin"], input="longenough\n"
    )
    listing = runner.invoke(args=["users", "list"])
    assert "b@example.com" in listing.output and "never" in listing.output
    result = runner.invoke(
        args=["users", "set-password", "B@example.com", "--password-stdin"], input="another-one\n"
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.email == "b@example.com")).check_password(
        "another-one"
    )
    missing = runner.invoke(
        args=["users", "set-password", "nobody@example.com", "--password-stdin"],
        input="another-one\n",
    )
    assert missing.exit_code == 1 and "No user has the email address" in missing.output


def test_cli_writes_are_audited_without_the_password(runner, db):
    runner.invoke(
        args=["users", "create", "c@example.com", "--password-stdin"], input="longenough\n"
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.model == "User"))
    assert (entry.action, entry.source, entry.actor) == ("create", "cli", "cli")
    assert entry.changes["email"] == [None, "c@example.com"]
    assert entry.changes["password_hash"] == "(redacted)"


def test_seed_demo_once(runner, app):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        locales = set(_db.session.scalars(select(Post.locale)))
    assert {"en", "de", "fr"} <= locales
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 1 and "already has products" in again.output


def test_seed_bulk_rows(runner, db):
    result = runner.invoke(args=["seed", "--products", "250", "--posts", "30"])
    assert result.exit_code == 0, result.output
    assert "Added 250 products and 30 posts." in result.output
    assert db.session.scalar(select(func.count()).select_from(Product)) == 250
    assert db.session.scalar(select(func.count()).select_from(Post)) == 30
