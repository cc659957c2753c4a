"""A real SMTP server on loopback for tests (aiosmtpd), collecting what it receives."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from support import free_port


class Inbox:
    """Receives mail; `fail_first` refuses that many deliveries with a temporary error."""

    def __init__(self, fail_first: int = 0) -> None:
        self.messages: list[EmailMessage] = []
        self.refused = 0
        self.fail_first = fail_first

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refused < self.fail_first:
            self.refused += 1
            return "451 Try again later"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


class SMTPServer:
    def __init__(self, fail_first: int = 0) -> None:
        self.inbox = Inbox(fail_first)
        self.port = free_port()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_SUPPRESS_SEND": False}
