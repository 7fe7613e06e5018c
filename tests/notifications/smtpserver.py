"""A small real SMTP server on 127.0.0.1 for the tests: it speaks enough of RFC 5321 for smtplib (and so
Django's SMTP backend), keeps the messages it accepted, and answers with the errors a test scripts.

    with SMTPServer() as server:
        server.fail("DATA", "451 4.3.0 Réessayez plus tard")   # the next DATA is refused, once
        ...
        server.messages  # [(mail_from, [rcpt…], bytes)] accepted
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    data: bytes


@dataclass
class _State:
    messages: list[Received] = field(default_factory=list)
    failures: dict[str, list[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def scripted(self, verb: str) -> str | None:
        with self.lock:
            queue = self.failures.get(verb)
            return queue.pop(0) if queue else None


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        state = self.server.state
        self.reply("220 localhost test SMTP")
        mail_from, rcpt_to = "", []
        while line := self.rfile.readline():
            text = line.decode("utf-8", "replace").rstrip("\r\n")
            verb = text.split(" ", 1)[0].split(":", 1)[0].upper()
            failure = state.scripted(verb)
            if failure == "":  # hang up without a reply
                return
            if failure is not None and verb != "DATA":
                self.reply(failure)
                continue
            if verb == "EHLO":
                self.reply("250-localhost")
                self.reply("250 8BITMIME")
            elif verb in {"HELO", "NOOP", "RSET"}:
                mail_from, rcpt_to = ("", []) if verb == "RSET" else (mail_from, rcpt_to)
                self.reply("250 OK")
            elif verb == "MAIL":
                mail_from = text.split(":", 1)[1].strip().strip("<>")
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpt_to.append(text.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                chunks = []
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                if failure is not None:
                    self.reply(failure)
                else:
                    with state.lock:
                        state.messages.append(Received(mail_from, rcpt_to, b"".join(chunks)))
                    self.reply("250 OK queued")
                mail_from, rcpt_to = "", []
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    state: _State


class SMTPServer:
    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def messages(self) -> list[Received]:
        return list(self._server.state.messages)

    def fail(self, verb: str, reply: str, times: int = 1) -> None:
        """Answer the next `times` `verb` commands (EHLO, MAIL, RCPT, DATA…) with `reply` instead (an empty
        reply: close the connection without answering)."""
        with self._server.state.lock:
            self._server.state.failures.setdefault(verb.upper(), []).extend([reply] * times)

    def __enter__(self) -> SMTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
