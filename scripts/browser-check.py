#!/usr/bin/env python3
"""Open a page in headless Chromium and check what a person would see there.

Drives Debian's `chromium` through the DevTools protocol over --remote-debugging-pipe (Python 3
standard library only). Meant for tests of MetaTune's self-contained HTML report and its live
dashboard; install the browser first with scripts/install-browser.sh.

Usage:
    scripts/browser-check.py URL [--wait-for JS_EXPR] [--timeout SECONDS] [--expect JS_EXPR ...]
                             [--screenshot FILE.png] [--json] [--window-size WxH]
                             [--then-run SHELL_CMD --then-wait-for JS_EXPR]

    URL is an http:// or file:// URL, or a path to an existing file (turned into a file:// URL).

What it does, in order:
    1. Launches headless Chromium with a throw-away profile (and HOME, XDG dirs, TMPDIR) in a temp
       dir that is removed at exit, opens a new target and navigates to URL; waits for the load event.
       The page fails when navigation fails or the main document answers with HTTP status >= 400.
    2. --wait-for EXPR: evaluates EXPR every 100 ms until it is truthy (JavaScript truthiness; a
       promise is awaited; an expression that throws counts as not yet). "ready_ms" is the time from
       navigation start until then (without --wait-for: until the load event).
    3. --expect EXPR (repeatable): each is evaluated once, in order, after the wait, and must be truthy.
       Being in order, one can act and the next check the outcome, e.g. sort a table and check it:
         --expect "(document.querySelector('th.value').click(), true)" \
         --expect "[...document.querySelectorAll('tbody tr')].map(r => r.cells[1].textContent).join() === '0.2,0.5'"
    4. --then-run CMD, then --then-wait-for EXPR: runs CMD with /bin/sh (its stdout goes to stderr, so
       --json output stays clean), then polls EXPR until truthy. "then_ms" is the time from the
       command's exit until EXPR was truthy; "then_cmd_ms" is how long the command ran.
    5. --screenshot FILE: a PNG of the whole page (beyond the viewport), taken last.
    Every wait (load, --wait-for, --then-run, --then-wait-for) gets at most --timeout seconds (default 20).

    All along it collects console errors (console.error / console.assert failures, uncaught exceptions
    and rejections, and browser log entries of level error such as failed resource loads) and every
    URL the page requests ("requests": unique URLs in first-request order, data: URLs left out; the
    page's own URL is among them), so a test can assert that a self-contained report loads nothing else.
    One thing is left out of both: Chromium's own request for <origin>/favicon.ico on an http page that
    declares no icon (its error, if any, is reported as "favicon_error" and does not fail the check).

    Chromium may reach loopback only (127.0.0.0/8, localhost, [::1]): every other request, the page's
    and Chromium's own background ones (it still tries update.googleapis.com and accounts.google.com
    at start despite --disable-background-networking/--disable-component-update), goes to a dead
    proxy and fails with net::ERR_PROXY_CONNECTION_FAILED, so a page's remote request is still listed
    in "requests" and shows as a console error; no host name other than localhost is looked up.

Exit status:
    0  the page loaded, no console error, every --expect truthy, every wait satisfied
    1  a check failed; stderr names each failure (the expectation, the console errors with text/url/line)
    2  usage error, or chromium is not installed (run scripts/install-browser.sh)
    130 interrupted (Ctrl-C / SIGTERM); Chromium is killed and the temp profile removed in every case

--json prints one JSON object on stdout:
    {"ok": bool, "url": str, "status": int|null, "load_ms": int|null, "ready_ms": int|null,
     "console_errors": [{"kind": "console"|"exception"|"log", "source": str, "text": str,
                         "url": str|null, "line": int|null, "column": int|null}],
     "requests": [str], "expectations": [{"expr": str, "value": any, "ok": bool, "error"?: str}],
     "then_ms": int|null, "then_cmd_ms": int|null, "screenshot": str|null,
     "failures": [str], "total_ms": int, "favicon_error": str|null}
    "status" is the main document's HTTP status (Chromium says 200 for a file:// page too).
    An --expect value is the JSON value of a primitive, array or plain object; for a DOM node or
    other non-serialisable object it is Chromium's description of it (e.g. "svg#plot").
    Without --json a one-line summary goes to stdout.

Examples:
    scripts/browser-check.py report.html --expect "document.querySelectorAll('svg').length >= 2" \\
        --expect "!document.querySelector('script[src], link[href]')" --json
    scripts/browser-check.py http://127.0.0.1:8765/ --wait-for "document.querySelector('#trials tr')" \\
        --then-run "metatune run --trials 1 ..." \\
        --then-wait-for "document.querySelectorAll('#trials tr').length > 1" --screenshot dash.png

The viewport (innerWidth x innerHeight) is exactly --window-size: headless Chromium would take 87 px
of the window's height for a frame it does not draw, so the size is set with Emulation too.

Chromium's own stderr (D-Bus errors such as "Failed to connect to the bus", and from Debian's
/usr/bin/chromium wrapper "[: ...: unexpected operator", all harmless) is written to a log in the
temp dir and shown only when Chromium dies unexpectedly. Environment: CHROMIUM overrides the browser
executable (default: `chromium` on PATH).
"""

import argparse
import base64
import fcntl
import json
import math
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

POLL_INTERVAL = 0.1
# The rules apply to IP literals too (127.0.0.1 itself must be excluded, or even loopback fails);
# IPv6 is matched without brackets ("[::1]" would not match).
LOOPBACK_ONLY_RESOLVER_RULES = "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE *.localhost, EXCLUDE 127.*, EXCLUDE ::1"
OBJECT_GROUP = "browser-check"


def now_ms():
    return time.monotonic() * 1000.0


class Interrupted(Exception):
    pass


class BrowserGone(Exception):
    pass


class ProtocolError(Exception):
    pass


class PhaseTimeout(Exception):
    pass


class Browser:
    """A headless Chromium process and the DevTools pipe to it."""

    def __init__(self, executable, window_size):
        self.executable = executable
        self.window_size = window_size
        self.tmp = None
        self.proc = None
        self.to_chrome = None
        self.from_chrome = None
        self.buffer = b""
        self.next_id = 0
        self.responses = {}
        self.on_event = None
        self.log_path = None
        self.last_log = ""
        self.dead_port = None

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix="browser-check-")
        profile = os.path.join(self.tmp, "profile")
        home = os.path.join(self.tmp, "home")
        tmpdir = os.path.join(self.tmp, "tmp")
        for d in (profile, home, tmpdir):
            os.mkdir(d)
        env = dict(os.environ)
        # Chromium writes crash-report settings under ~/.config/chromium and dconf under ~/.cache even
        # with --user-data-dir: point all of that, and its temp files, into the throw-away dir.
        env.update(
            HOME=home,
            XDG_CONFIG_HOME=os.path.join(home, ".config"),
            XDG_CACHE_HOME=os.path.join(home, ".cache"),
            XDG_DATA_HOME=os.path.join(home, ".local", "share"),
            TMPDIR=tmpdir,
        )
        width, height = self.window_size
        args = [
            self.executable,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--user-data-dir=" + profile,
            "--window-size=%d,%d" % (width, height),
            "--remote-debugging-pipe",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--disable-domain-reliability",
            "--no-pings",
            "--disable-features=NetworkTimeServiceQuerying",
            "--hide-scrollbars",
            "--mute-audio",
            "--password-store=basic",
            "--use-mock-keychain",
        ]
        if os.geteuid() == 0:
            args.append("--no-sandbox")
        # Loopback only. Loopback bypasses a proxy implicitly; everything else goes to a "proxy" on a
        # loopback port that we hold bound but never listen on, so connecting to it is refused at once.
        # Host names other than localhost are not looked up at all.
        self.dead_port = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.dead_port.bind(("127.0.0.1", 0))
        proxy = "http://127.0.0.1:%d" % self.dead_port.getsockname()[1]
        args += ["--proxy-server=" + proxy, "--host-resolver-rules=" + LOOPBACK_ONLY_RESOLVER_RULES]
        args.append("about:blank")

        # Chromium reads commands from fd 3 and writes responses and events to fd 4.
        cmd_read, cmd_write = os.pipe()
        evt_read, evt_write = os.pipe()

        def child_setup():
            # Move both ends above 10 first so that neither is clobbered, then onto 3 and 4 (inheritable).
            r = fcntl.fcntl(cmd_read, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(evt_write, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)
            os.close(r)
            os.close(w)

        become_subreaper()
        self.log_path = os.path.join(self.tmp, "chromium.log")
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                env=env,
                cwd=self.tmp,
                preexec_fn=child_setup,
                close_fds=False,  # Python's own fds are non-inheritable; 3 and 4 must survive exec
                start_new_session=True,  # Ctrl-C reaches only us; we kill Chromium's process group
            )
        os.close(cmd_read)
        os.close(evt_write)
        self.to_chrome = cmd_write
        self.from_chrome = evt_read

    def exit_status(self):
        try:
            return "Chromium exited with status %s" % self.proc.wait(timeout=1)
        except subprocess.TimeoutExpired:
            return "Chromium is still running"

    def log_tail(self, lines=15):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        try:
            while data:
                n = os.write(self.to_chrome, data)
                data = data[n:]
        except (BrokenPipeError, OSError) as e:
            raise BrowserGone("cannot write to Chromium's DevTools pipe (%s); %s"
                              % (getattr(e, "strerror", None) or e, self.exit_status()))
        return self.next_id

    def pump(self, timeout):
        """Reads and dispatches what Chromium sent, waiting at most timeout seconds for the first bytes."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            remaining = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.from_chrome], [], [], remaining)
            if not ready:
                return
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise BrowserGone("Chromium closed the DevTools pipe; %s" % self.exit_status())
            self.buffer += chunk
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                msg = json.loads(raw)
                if "id" in msg:
                    self.responses[msg["id"]] = msg
                elif self.on_event:
                    self.on_event(msg)
            # Got something: drain without waiting any longer.
            deadline = time.monotonic()

    def call(self, method, params=None, session=None, timeout=20.0):
        msg_id = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while msg_id not in self.responses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PhaseTimeout("%s got no answer within %.1f s" % (method, timeout))
            self.pump(min(remaining, 0.5))
        msg = self.responses.pop(msg_id)
        if "error" in msg:
            raise ProtocolError("%s: %s" % (method, msg["error"].get("message", msg["error"])))
        return msg.get("result", {})

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.proc is not None:
            # Renderers and helpers share the group. As a child subreaper we inherit them when their
            # parents die and reap them here at once (otherwise they linger as zombies until PID 1
            # gets to them, which took up to 2 s in a container).
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    break
                try:
                    while os.waitpid(-self.proc.pid, os.WNOHANG)[0] > 0:
                        pass
                except ChildProcessError:
                    pass
                time.sleep(0.01)
        for fd in (self.to_chrome, self.from_chrome):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.to_chrome = self.from_chrome = None
        if self.dead_port is not None:
            self.dead_port.close()
            self.dead_port = None
        self.last_log = self.log_tail()  # kept for the error message; the file goes with the temp dir
        if self.tmp:
            for _ in range(20):
                shutil.rmtree(self.tmp, ignore_errors=True)
                if not os.path.exists(self.tmp):
                    break
                time.sleep(0.05)


def become_subreaper():
    """Makes this process the reaper of Chromium's orphaned helpers (Linux; best effort)."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_CHILD_SUBREAPER = 36
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def remote_text(obj):
    """A short text for a Runtime.RemoteObject, as the console would show it."""
    if "value" in obj:
        v = obj["value"]
        return v if isinstance(v, str) else json.dumps(v)
    if "unserializableValue" in obj:
        return obj["unserializableValue"]
    if "description" in obj:
        return obj["description"]
    return obj.get("type", "?")


def is_truthy(obj):
    """JavaScript truthiness of a Runtime.RemoteObject."""
    kind = obj.get("type")
    if kind == "undefined":
        return False
    if kind == "object":
        return obj.get("subtype") != "null"
    if kind == "boolean":
        return bool(obj.get("value"))
    if kind == "number":
        if "unserializableValue" in obj:
            return obj["unserializableValue"] not in ("NaN", "-0")
        return obj.get("value") != 0
    if kind == "string":
        return obj.get("value") != ""
    if kind == "bigint":
        return obj.get("unserializableValue") not in ("0n", "-0n")
    return True  # function, symbol


class Check:
    def __init__(self, args, url):
        self.args = args
        self.url = url
        self.browser = None
        self.session = None
        self.loader_id = None
        self.document_status = {}
        self.loaded = False
        self.console_errors = []
        self.requests = []
        self.seen_requests = set()
        self.failures = []
        self.t_start = now_ms()
        parsed = urlparse(url)
        self.favicon_url = ("%s://%s/favicon.ico" % (parsed.scheme, parsed.netloc)
                            if parsed.scheme in ("http", "https") else None)
        self.result = {
            "ok": False,
            "url": url,
            "status": None,
            "load_ms": None,
            "ready_ms": None,
            "console_errors": self.console_errors,
            "requests": self.requests,
            "expectations": [],
            "then_ms": None,
            "then_cmd_ms": None,
            "screenshot": None,
            "failures": self.failures,
            "total_ms": None,
            "favicon_error": None,
        }

    # --- events -------------------------------------------------------------------------------

    def on_event(self, msg):
        if msg.get("sessionId") != self.session:
            return
        method = msg.get("method")
        p = msg.get("params", {})
        if method == "Page.loadEventFired":
            self.loaded = True
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            frames = (p.get("stackTrace") or {}).get("callFrames") or []
            top = frames[0] if frames else {}
            text = " ".join(remote_text(a) for a in p.get("args", []))
            if p.get("type") == "assert":
                text = "Assertion failed: " + text if text else "Assertion failed"
            self.add_error("console", "console." + p["type"], text, top.get("url"),
                           top.get("lineNumber"), top.get("columnNumber"), zero_based=True)
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            exc = d.get("exception") or {}
            desc = exc.get("description") or remote_text(exc) if exc else ""
            first = desc.splitlines()[0] if desc else ""
            text = (d.get("text") or "Uncaught") + (" " + first if first else "")
            url = d.get("url")
            if not url:
                frames = (d.get("stackTrace") or {}).get("callFrames") or []
                url = frames[0].get("url") if frames else None
            self.add_error("exception", "javascript", text, url, d.get("lineNumber"), d.get("columnNumber"),
                           zero_based=True)
        elif method == "Log.entryAdded":
            e = p.get("entry", {})
            if e.get("level") == "error" and e.get("url") == self.favicon_url:
                self.result["favicon_error"] = e.get("text", "")
            elif e.get("level") == "error":
                # Log line numbers are 0-based like the rest of the protocol.
                self.add_error("log", e.get("source", "other"), e.get("text", ""), e.get("url"),
                               e.get("lineNumber"), None, zero_based=True)
        elif method == "Network.requestWillBeSent":
            req_url = p.get("request", {}).get("url", "")
            if req_url == self.favicon_url:
                pass  # Chromium's own request for a page without <link rel="icon">; not the page's doing
            elif req_url and not req_url.startswith("data:") and req_url not in self.seen_requests:
                self.seen_requests.add(req_url)
                self.requests.append(req_url)
        elif method == "Network.responseReceived" and p.get("type") == "Document":
            # The main document's requestId is the navigation's loaderId, which Page.navigate returns
            # possibly after this event: keep every document's status and look it up afterwards.
            self.document_status[p.get("requestId")] = p.get("response", {}).get("status")

    def add_error(self, kind, source, text, url, line, column, zero_based):
        def fix(n):
            if n is None:
                return None
            return int(n) + 1 if zero_based else int(n)
        self.console_errors.append({
            "kind": kind,
            "source": source,
            "text": text,
            "url": url or None,
            "line": fix(line),
            "column": fix(column),
        })

    # --- helpers ------------------------------------------------------------------------------

    def evaluate(self, expr, timeout):
        """(remote object, exception text or None) for expr, awaiting a promise."""
        res = self.browser.call("Runtime.evaluate", {
            "expression": expr,
            "objectGroup": OBJECT_GROUP,
            "awaitPromise": True,
            "returnByValue": False,
            "silent": True,
        }, self.session, timeout=timeout)
        if "exceptionDetails" in res:
            d = res["exceptionDetails"]
            exc = d.get("exception") or {}
            text = exc.get("description") or d.get("text") or "exception"
            return res.get("result", {}), text.splitlines()[0]
        return res.get("result", {}), None

    def json_value(self, obj, timeout):
        if "value" in obj:
            return obj["value"]
        if "unserializableValue" in obj:
            return obj["unserializableValue"]
        if obj.get("type") == "undefined":
            return None
        if obj.get("type") == "object" and obj.get("subtype") in (None, "array") and "objectId" in obj:
            try:
                res = self.browser.call("Runtime.callFunctionOn", {
                    "objectId": obj["objectId"],
                    "functionDeclaration": "function() { return this; }",
                    "returnByValue": True,
                    "silent": True,
                }, self.session, timeout=timeout)
                if "exceptionDetails" not in res and "value" in res.get("result", {}):
                    return res["result"]["value"]
            except ProtocolError:
                pass
        return obj.get("description", obj.get("type"))

    def release(self, timeout):
        try:
            self.browser.call("Runtime.releaseObjectGroup", {"objectGroup": OBJECT_GROUP}, self.session,
                              timeout=timeout)
        except ProtocolError:
            pass

    def poll_until_truthy(self, expr, timeout):
        """Returns (True, None) once expr is truthy, or (False, last value/exception text) at timeout."""
        deadline = time.monotonic() + timeout
        last = "never evaluated"
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False, last
            try:
                obj, exc = self.evaluate(expr, remaining)
            except PhaseTimeout:
                return False, "evaluation did not finish (a promise that never settles?)"
            self.release(max(remaining, 1.0))
            if exc is None and is_truthy(obj):
                return True, None
            last = ("threw " + exc) if exc else ("was " + remote_text(obj))
            self.browser.pump(min(POLL_INTERVAL, max(0.0, deadline - time.monotonic())))

    def fail(self, message):
        self.failures.append(message)

    # --- the run ------------------------------------------------------------------------------

    def run(self, executable):
        args = self.args
        timeout = args.timeout
        self.t_start = t_start = now_ms()
        self.browser = Browser(executable, args.window_size)
        self.browser.on_event = self.on_event
        try:
            self.browser.start()
            try:
                target = self.browser.call("Target.createTarget", {"url": "about:blank"}, timeout=timeout)
                attached = self.browser.call("Target.attachToTarget",
                                             {"targetId": target["targetId"], "flatten": True}, timeout=timeout)
                self.session = attached["sessionId"]
                for domain in ("Runtime", "Log", "Page", "Network"):
                    self.browser.call(domain + ".enable", {}, self.session, timeout=timeout)
                # Headless takes 87 px of --window-size's height for a window frame it does not draw:
                # make the page's viewport (innerWidth x innerHeight) exactly the size asked for.
                width, height = args.window_size
                self.browser.call("Emulation.setDeviceMetricsOverride", {
                    "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False,
                }, self.session, timeout=timeout)
            except PhaseTimeout as e:
                raise BrowserGone("Chromium did not start: %s" % e)

            t_nav = now_ms()
            nav = self.browser.call("Page.navigate", {"url": self.url}, self.session, timeout=timeout)
            self.loader_id = nav.get("loaderId")
            if nav.get("errorText"):
                self.fail("page did not load: %s (%s)" % (nav["errorText"], self.url))
                return self.finish(t_start)
            deadline = time.monotonic() + timeout
            while not self.loaded and time.monotonic() < deadline:
                self.browser.pump(min(0.2, max(0.0, deadline - time.monotonic())))
            if not self.loaded:
                self.fail("page did not fire its load event within %g s (%s)" % (timeout, self.url))
                return self.finish(t_start)
            self.result["load_ms"] = round(now_ms() - t_nav)
            self.result["ready_ms"] = self.result["load_ms"]
            status = self.document_status.get(self.loader_id)
            self.result["status"] = status
            if status is not None and status >= 400:
                self.fail("page answered with HTTP status %d (%s)" % (status, self.url))

            if args.wait_for:
                ok, last = self.poll_until_truthy(args.wait_for, timeout)
                if ok:
                    self.result["ready_ms"] = round(now_ms() - t_nav)
                else:
                    self.result["ready_ms"] = None
                    self.fail("--wait-for `%s` not truthy within %g s (last: %s)" % (args.wait_for, timeout, last))

            for expr in args.expect or []:
                entry = {"expr": expr, "value": None, "ok": False}
                try:
                    obj, exc = self.evaluate(expr, timeout)
                    if exc:
                        entry["error"] = exc
                        self.fail("--expect `%s` threw %s" % (expr, exc))
                    else:
                        entry["value"] = self.json_value(obj, timeout)
                        entry["ok"] = is_truthy(obj)
                        if not entry["ok"]:
                            self.fail("--expect `%s` was not truthy (value: %s)" % (expr, remote_text(obj)))
                except PhaseTimeout:
                    entry["error"] = "evaluation did not finish within %g s" % timeout
                    self.fail("--expect `%s` did not finish within %g s" % (expr, timeout))
                self.result["expectations"].append(entry)
            self.release(timeout)

            if args.then_run:
                self.then_run(args.then_run, args.then_wait_for, timeout)

            if args.screenshot:
                self.screenshot(args.screenshot, timeout)

            # One more round trip so that events sent before it (late console errors) are seen.
            self.browser.call("Runtime.evaluate", {"expression": "0"}, self.session, timeout=timeout)
            self.browser.pump(0)
            return self.finish(t_start)
        finally:
            # Cleanup must not be cut short by a second Ctrl-C or a SIGTERM; it takes well under a second.
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(sig, signal.SIG_IGN)
            self.browser.close()

    def then_run(self, cmd, wait_expr, timeout):
        t0 = now_ms()
        proc = subprocess.Popen(cmd, shell=True, stdin=subprocess.DEVNULL, stdout=sys.stderr.fileno(),
                                start_new_session=True)
        deadline = time.monotonic() + timeout

        def kill_command():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()

        try:
            while proc.poll() is None and time.monotonic() < deadline:
                self.browser.pump(0.05)  # keep reading events while the command runs
        except BaseException:
            if proc.poll() is None:
                kill_command()
            raise
        if proc.poll() is None:
            kill_command()
            self.fail("--then-run `%s` did not finish within %g s (killed)" % (cmd, timeout))
            return
        t1 = now_ms()
        self.result["then_cmd_ms"] = round(t1 - t0)
        if proc.returncode != 0:
            self.fail("--then-run `%s` exited with status %d" % (cmd, proc.returncode))
            return
        ok, last = self.poll_until_truthy(wait_expr, timeout)
        if ok:
            self.result["then_ms"] = round(now_ms() - t1)
        else:
            self.fail("--then-wait-for `%s` not truthy within %g s after --then-run (last: %s)"
                      % (wait_expr, timeout, last))

    def screenshot(self, path, timeout):
        metrics = self.browser.call("Page.getLayoutMetrics", {}, self.session, timeout=timeout)
        size = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
        viewport = metrics.get("cssLayoutViewport") or metrics.get("layoutViewport") or {}
        width = max(size.get("width", 0), viewport.get("clientWidth", 0), 1)
        height = max(size.get("height", 0), viewport.get("clientHeight", 0), 1)
        shot = self.browser.call("Page.captureScreenshot", {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": math.ceil(width), "height": math.ceil(height), "scale": 1},
        }, self.session, timeout=timeout)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        self.result["screenshot"] = str(path)

    def finish(self, t_start=None):
        t_start = self.t_start if t_start is None else t_start
        # Console errors and expectations decide, together with what already failed.
        for e in self.console_errors:
            where = ""
            if e["url"]:
                where = " (%s%s%s)" % (e["url"], ":%d" % e["line"] if e["line"] else "",
                                        ":%d" % e["column"] if e["column"] else "")
            self.fail("console error [%s/%s]: %s%s" % (e["kind"], e["source"], e["text"], where))
        self.result["ok"] = not self.failures
        self.result["total_ms"] = round(now_ms() - t_start)
        return self.result


def parse_window_size(text):
    try:
        w, h = text.lower().split("x")
        w, h = int(w), int(h)
        if w <= 0 or h <= 0:
            raise ValueError
        return w, h
    except ValueError:
        raise argparse.ArgumentTypeError("expected WIDTHxHEIGHT, e.g. 1280x900")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="browser-check.py",
        description="Open a page in headless Chromium and check it (see the header of this script).")
    parser.add_argument("url", metavar="URL", help="http:// or file:// URL, or a path to a file")
    parser.add_argument("--wait-for", metavar="JS_EXPR", help="poll every 100 ms until truthy")
    parser.add_argument("--timeout", metavar="SECONDS", type=float, default=20.0,
                        help="limit for each wait (default 20)")
    parser.add_argument("--expect", metavar="JS_EXPR", action="append", default=[],
                        help="must be truthy after the wait (repeatable)")
    parser.add_argument("--screenshot", metavar="FILE.png", help="write a full-page PNG")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    parser.add_argument("--then-run", metavar="SHELL_CMD", help="run after the checks (needs --then-wait-for)")
    parser.add_argument("--then-wait-for", metavar="JS_EXPR", help="poll after --then-run until truthy")
    parser.add_argument("--window-size", metavar="WxH", type=parse_window_size, default=(1280, 900),
                        help="viewport size (default 1280x900)")
    args = parser.parse_args(argv)

    if bool(args.then_run) != bool(args.then_wait_for):
        parser.error("--then-run and --then-wait-for go together")
    if not args.timeout > 0:
        parser.error("--timeout must be positive")

    url = args.url
    scheme = urlparse(url).scheme.lower()
    if scheme in ("http", "https", "file", "about", "data"):
        pass
    elif os.path.exists(url):
        url = Path(url).resolve().as_uri()
    else:
        parser.error("URL must be an http(s):// or file:// URL or an existing file: %s" % url)

    executable = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not executable or not os.access(executable, os.X_OK):
        print("browser-check: chromium is not installed (looked for %s); run scripts/install-browser.sh"
              % (os.environ.get("CHROMIUM") or "`chromium` on PATH"), file=sys.stderr)
        return 2

    def on_signal(signum, frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    check = Check(args, url)
    chromium_tail = ""
    try:
        result = check.run(executable)
    except (KeyboardInterrupt, Interrupted) as e:
        print("browser-check: interrupted (%s); Chromium killed, temp profile removed" % (str(e) or "SIGINT"),
              file=sys.stderr)
        return 130
    except (BrowserGone, PhaseTimeout, ProtocolError) as e:
        if isinstance(e, BrowserGone) and check.browser:
            chromium_tail = check.browser.last_log
        check.fail(str(e))
        result = check.finish()  # adds the console errors seen so far

    for message in result["failures"]:
        print("browser-check: FAIL: %s" % message, file=sys.stderr)
    if chromium_tail:
        print("Chromium's last output:\n" + chromium_tail, file=sys.stderr)
    if args.json:
        print(json.dumps(result, indent=2))
    elif result["ok"]:
        parts = ["ok: %s" % url, "loaded in %s ms" % result["load_ms"]]
        if args.wait_for:
            parts.append("ready in %s ms" % result["ready_ms"])
        if args.expect:
            parts.append("%d expectation(s) held" % len(args.expect))
        if args.then_run:
            parts.append("updated %s ms after --then-run" % result["then_ms"])
        parts.append("%d request(s)" % len(result["requests"]))
        if result["screenshot"]:
            parts.append("screenshot %s" % result["screenshot"])
        parts.append("total %s ms" % result["total_ms"])
        print(", ".join(parts))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
