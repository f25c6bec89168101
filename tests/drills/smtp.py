"""A minimal SMTP server for the e-mail outage drill (T56).

Django's real SMTP backend talks to it over a real socket, so "the mail server is
down" is a closed port and "it is back" is this server listening on that port. It
speaks just enough SMTP for smtplib (EHLO, MAIL, RCPT, DATA, QUIT) and keeps what
it received; it never relays anything.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 drill.local ESMTP")
        data: list[bytes] | None = None
        while line := self.rfile.readline(1 << 16):
            if data is not None:
                if line.rstrip(b"\r\n") == b".":
                    raw = b"".join(data)
                    message = email.message_from_bytes(raw, policy=email.policy.default)
                    self.server.received.append(message)  # type: ignore[arg-type]
                    data = None
                    self.reply("250 2.0.0 queued")
                else:  # a leading dot is doubled by the client (RFC 5321 §4.5.2)
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250-drill.local")
                self.reply("250 8BITMIME")
            elif verb in {b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"}:
                self.reply("250 2.0.0 OK")
            elif verb == b"DATA":
                data = []
                self.reply("354 end data with <CR><LF>.<CR><LF>")
            elif verb == b"QUIT":
                self.reply("221 2.0.0 bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Session)
        self.received: list[EmailMessage] = []


@contextmanager
def smtp_server(port: int) -> Iterator[list[EmailMessage]]:
    """Listen on 127.0.0.1:`port` until the block ends; yields the received messages."""
    server = _Server(port)
    thread = threading.Thread(target=server.serve_forever, name="drill-smtp", daemon=True)
    thread.start()
    try:
        yield server.received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
