"""A real SMTP server (aiosmtpd) on 127.0.0.1 for delivery tests: it keeps what it receives,
can refuse recipients with 550, and can be taken down and brought back on the same port."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy


class LocalSMTP:
    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.messages = []  # email.message.EmailMessage, in arrival order
        self.refused = []  # addresses refused with 550
        self._reject = 0
        self.controller = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self._reject > 0:
            self._reject -= 1
            self.refused.append(address)
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def reject_next(self, n: int = 1) -> None:
        """Answer the next n RCPT commands with 550."""
        self._reject = n

    def start(self) -> LocalSMTP:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        """Take the server down: connections to the port are refused until start()."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]
