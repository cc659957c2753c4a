"""Outgoing mail (Flask-Mail over SMTP), written in the recipient's language.

Mail is always sent from a job (see jobs.py), never inside a request: a slow or failing
SMTP server must not slow a visitor down or lose what they sent.
"""

from __future__ import annotations

import logging
import unicodedata

from flask import current_app
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_mail import Message
from sqlalchemy import select

from . import i18n
from .extensions import db
from .extensions import mail
from .models import Inquiry
from .models import Role
from .models import User
from .requestlog import printable

log = logging.getLogger(__name__)

#: A subject longer than this is cut (with an ellipsis): a visitor's name goes into it.
SUBJECT_LIMIT = 150
#: What starts each line of a mail written to the log: no line of it passes for the server's.
LOG_MARGIN = "    | "


def one_line(text: str, limit: int | None = None) -> str:
    """`text` fit for a mail header: every run of whitespace (CR, LF, tab, Unicode line
    separators…) becomes one space, other control characters go, and it is cut to `limit`.

    Visitors choose what goes into a subject (their name): a CR/LF there would be a
    header injection, which the mail library refuses on every retry, so staff would never
    hear of the message."""
    flat = "".join(c for c in " ".join(str(text).split()) if unicodedata.category(c) != "Cc")
    if limit is not None and len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat


def send(to: list[str], subject: str, template: str, **context) -> None:
    """Render `mail/<template>.txt` and `.html` and send them (the caller set the locale).
    The subject is made one line (`one_line`): it may carry what a visitor typed.

    Without a mail server (ATRIUM_MAIL_SERVER, as on a developer's machine) the text is
    written to the log instead: a password-reset link can still be followed, and nothing
    fails over and over against an SMTP server that is not there. It is one log record;
    each line of the text starts with `LOG_MARGIN` and shows unprintable characters as
    escapes (`printable`): a visitor's message can neither forge log lines nor drive the
    terminal."""
    subject = one_line(subject, SUBJECT_LIMIT)
    body = render_template(f"mail/{template}.txt", **context)
    if not current_app.config.get("MAIL_SERVER"):
        log.warning(
            "No mail server is set (ATRIUM_MAIL_SERVER): not sent to %s: %s\n%s",
            printable(", ".join(to)),
            printable(subject),
            "\n".join(LOG_MARGIN + printable(line) for line in body.splitlines()),
        )
        return
    message = Message(
        subject=subject,
        recipients=to,
        body=body,
        html=render_template(f"mail/{template}.html", **context),
    )
    mail.send(message)


def staff_recipients() -> list[str]:
    configured = current_app.config.get("INQUIRY_NOTIFY_TO")
    if configured:
        return configured.replace(",", " ").split() if isinstance(configured, str) else configured
    roles = (Role.ADMIN.value, Role.EDITOR.value)
    return list(db.session.scalars(select(User.email).where(User.active, User.role.in_(roles))))


def notify_staff_of_inquiry(inquiry_id: int) -> None:
    """Job: tell staff about a new contact-form message, in the language it was written in."""
    inquiry = db.session.get(Inquiry, inquiry_id)
    recipients = staff_recipients()
    if inquiry is None or not recipients:
        return
    locale = inquiry.locale if inquiry.locale in i18n.supported() else i18n.default()
    with force_locale(i18n.babel_name(locale)):
        send(
            recipients,
            _("New message from %(name)s", name=one_line(inquiry.name)),
            "inquiry",
            inquiry=inquiry,
            name=one_line(inquiry.name),  # line breaks in it would fake the lines below it
            lang=locale,
            direction="rtl" if i18n.is_rtl(locale) else "ltr",
        )
