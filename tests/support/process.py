"""A server the tests run in a process of their own (gunicorn, the test OpenID provider):
started in a session of its own with its output in a log file, waited for until an address
of its answers 200, and stopped again."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def answers(url: str) -> bool:
    """Whether `url` (on our own loopback server) answers 200 within two seconds."""
    with contextlib.suppress(OSError, urllib.error.URLError), urllib.request.urlopen(  # noqa: S310 - our own loopback server
        url, timeout=2
    ) as reply:
        return reply.status == 200
    return False


class BackgroundServer:
    """What the servers share; a subclass sets `name`, `log_path` and how much of its log
    an error shows (`log_tail`)."""

    name = "the server"
    log_tail = 6000
    log_path: Path
    process: subprocess.Popen | None = None

    def launch(self, cmd: list[str], env: dict, ready_url: str, timeout: float,
               waiting_for: str = "answer") -> None:
        """Start `cmd` and wait until `ready_url` answers; stopped again if it never does."""
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early:\n{self.log()}")
            if answers(ready_url):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.name} did not {waiting_for} within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-self.log_tail:]
        except OSError:
            return ""

    def stop(self) -> None:
        """SIGTERM (gunicorn's arbiter then stops its workers), and SIGKILL to the whole
        session if it has not gone within 10 seconds."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self._log.close()
        self.process = None
