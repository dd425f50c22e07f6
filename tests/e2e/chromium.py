"""Headless Chromium driven over the DevTools protocol on a pipe.

``--remote-debugging-pipe`` speaks CDP as NUL-terminated JSON on file
descriptors 3 (to the browser) and 4 (from it): no driver binary, no
websocket library and nothing downloaded at run time, only Debian's
``chromium`` package.
"""

import base64
import contextlib
import json
import os
import select
import shlex
import shutil
import subprocess
import tempfile
import time

from django.conf import settings

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def find_chromium():
    explicit = os.environ.get("CHROMIUM")
    if explicit:
        return explicit
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """One headless browser. Every wait has a deadline (``timeout`` seconds
    unless a call says otherwise): a hung browser fails the test, saying what
    it waited for, instead of hanging the run."""

    def __init__(self, binary, timeout=30):
        self.binary = binary
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="cdp-profile-")
        self.next_id = 0
        self.buffer = b""
        self.events = []

    def __enter__(self):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # Chromium expects the pipe on fds 3 and 4; bash (dash takes one-digit fds
        # only) moves our pipe
        # ends there in the child, leaving this process's own fds alone.
        command = " ".join(
            shlex.quote(part)
            for part in [
                self.binary,
                "--headless=new",
                "--remote-debugging-pipe",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--hide-scrollbars",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ]
        )
        self.process = subprocess.Popen(  # noqa: S603
            [
                "/bin/bash",
                "-c",
                f"exec {command} 3<&{to_browser_r} 4>&{from_browser_w}",
            ],
            pass_fds=(to_browser_r, from_browser_w),
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(self.profile, "stderr.log"), "wb"),  # noqa: SIM115
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(RuntimeError, OSError):
            self.call("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self.to_browser)
        os.close(self.from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)

    def log_tail(self):
        log = os.path.join(self.profile, "stderr.log")
        with open(log, "rb") as handle:
            return handle.read()[-2000:].decode("utf-8", "replace")

    def _deadline(self, timeout):
        return time.monotonic() + (self.timeout if timeout is None else timeout)

    def _read(self, deadline, waiting_for):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.from_browser], [], [], max(left, 0))
            if not ready:
                raise TimeoutError(
                    f"Chromium: no {waiting_for} in time: {self.log_tail()}"
                )
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError(f"Chromium closed the pipe: {self.log_tail()}")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method, session=None, timeout=None, **params):
        deadline = self._deadline(timeout)
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        try:
            os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError as error:
            raise RuntimeError(f"Chromium has exited: {self.log_tail()}") from error
        while True:
            reply = self._read(deadline, f"answer to {method}")
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method, session, where=None, timeout=None):
        """The first ``method`` event of ``session`` whose params satisfy
        ``where`` (any, if not given)."""

        def wanted(event):
            return (
                event.get("method") == method
                and event.get("sessionId") == session
                and (where is None or where(event.get("params", {})))
            )

        for index, event in enumerate(self.events):
            if wanted(event):
                return self.events.pop(index)
        deadline = self._deadline(timeout)
        while True:
            event = self._read(deadline, method)
            if wanted(event):
                return event
            self.events.append(event)

    def use_session(self, url, client):
        """Browse ``url`` signed in as the Django test ``client`` is."""
        name = settings.SESSION_COOKIE_NAME
        self.call(
            "Storage.setCookies",
            cookies=[{"name": name, "value": client.cookies[name].value, "url": url}],
        )

    def open(self, url, width, height=900, mobile=False):
        """A page at ``url`` laid out ``width`` CSS pixels wide; its session."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable", session)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        self.call("Page.navigate", session, url=url)
        self.wait_for("Page.loadEventFired", session)
        return session

    def evaluate(self, session, expression):
        result = self.call(
            "Runtime.evaluate", session, expression=expression, returnByValue=True
        )
        return result["result"].get("value")

    def screenshot(self, session, path):
        data = self.call(
            "Page.captureScreenshot", session, format="png", captureBeyondViewport=True
        )["data"]
        path.write_bytes(base64.b64decode(data))
