"""Personal data in inquiries: purged after the retention period, erased on request.

Both delete rows in one statement and write one audit entry that says how many rows
went, never whose: the erased data must not survive in the log.
"""

from __future__ import annotations

import re
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete
from sqlalchemy import func

from .. import audit
from ..extensions import db
from ..models import Inquiry
from ..models.base import utcnow

inquiries = AppGroup("inquiries", help="Manage contact form messages (personal data).")
#: The longest age `--older-than` takes: a hundred years (a date before year 1 overflows).
MAX_DAYS = 36_500


def purge_older_than(days: int) -> int:
    """Delete inquiries received more than `days` days ago; the caller commits."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(delete(Inquiry).where(Inquiry.created_at < cutoff))
    audit.record("purge", "Inquiry", changes={"count": result.rowcount, "older_than_days": days})
    return result.rowcount


def purge_expired() -> int:
    """Job: the nightly purge that `flask worker` schedules (see jobs.schedule)."""
    audit.set_actor(None, "schedule")
    count = purge_older_than(int(current_app.config["INQUIRY_RETENTION_DAYS"]))
    db.session.commit()
    return count


def erase_email(email: str) -> int:
    """Delete every inquiry sent from `email` (any case); the caller commits."""
    result = db.session.execute(
        delete(Inquiry).where(func.lower(Inquiry.email) == email.strip().lower())
    )
    audit.record("erase", "Inquiry", changes={"count": result.rowcount})
    return result.rowcount


def parse_days(value: str) -> int:
    """`180d`, `180` → 180; anything else (or over `MAX_DAYS`) is a one-sentence error."""
    match = re.fullmatch(r"\s*(\d+)\s*d?\s*", value or "")
    if not match:
        raise click.BadParameter(f"{value!r} is not a number of days such as 180d.")
    digits = match.group(1).lstrip("0") or "0"
    if len(digits) > len(str(MAX_DAYS)) or int(digits) > MAX_DAYS:  # int() of 5000 digits raises
        raise click.BadParameter(f"The age is at most {MAX_DAYS} days (a hundred years).")
    return int(digits)


@inquiries.command("purge")
@click.option(
    "--older-than",
    "older_than",
    default=None,
    help="Age such as 180d (default: INQUIRY_RETENTION_DAYS).",
)
def purge_inquiries(older_than: str | None) -> None:
    """Delete inquiries older than the retention period."""
    audit.set_actor(None, "cli")
    days = (
        parse_days(older_than) if older_than else int(current_app.config["INQUIRY_RETENTION_DAYS"])
    )
    count = purge_older_than(days)
    db.session.commit()
    click.echo(f"Purged {count} inquiries older than {days} days.")
