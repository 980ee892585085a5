"""Live reload: the build state open pages follow, and the script injected into them.

Each previewed HTML response gets ``<script src="/__reload.js" data-token="...">``
before ``</body>``; the token names the server instance and the build the page was
served from. The script follows the Server-Sent Events stream ``/__reload``, which
sends the current token on connect and after each finished build, and reloads the page
when it differs from its own (a newer build, or a restarted server), except when the
build right after its own announced (``changed`` event) the pages it changed and this
page is not one of them: then the page stays and takes the new token. A failed build
sends a ``failed`` event with the error summary, shown as an overlay. Hidden tabs close
their stream and reconnect when shown again. At most ``MAX_STREAMS`` streams are open
at once (``Broadcaster.stream_slot``); the server refuses more with 503, and the script
tries again a second later. Nothing here touches the output folder: the script exists
only in responses.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

SCRIPT_PATH = "/__reload.js"
EVENTS_PATH = "/__reload"
MAX_STREAMS = 32  # open event streams at once (each holds a server thread)

SCRIPT = """\
(() => {
  const token = document.currentScript.dataset.token;
  let box = null;
  function show(text) {
    if (!box) {
      box = document.createElement("pre");
      box.id = "__reload-error";
      box.dir = "ltr";
      box.style.cssText = "position:fixed;inset:auto 0 0 0;margin:0;padding:1em;" +
        "max-height:50vh;overflow:auto;background:#300;color:#fdd;font:13px monospace;" +
        "white-space:pre-wrap;z-index:2147483647;text-align:left";
      document.body.appendChild(box);
    }
    box.textContent = text;
  }
  let source = null;
  let mine = token;
  let changed = null;  // the pages the build just announced changed (null: all of them)
  const here = decodeURI(location.pathname);  // the server names pages decoded
  function connect() {
    if (source || document.hidden) return;
    const own = source = new EventSource("/__reload");
    own.addEventListener("changed", (event) => { changed = event.data.split("\\n"); });
    own.onmessage = (event) => {
      const next = event.data, pages = changed;
      changed = null;
      if (next === mine) return;
      // The same server's very next build, which did not change this page: keep it.
      const same = next.split(".")[0] === mine.split(".")[0] &&
        Number(next.split(".")[1]) === Number(mine.split(".")[1]) + 1;
      if (same && pages !== null && !pages.includes(here)) { mine = next; return; }
      location.reload();
    };
    own.addEventListener("failed", (event) => show(event.data));
    own.onerror = () => {
      if (own.readyState !== EventSource.CLOSED) return;  // the browser retries itself
      if (source === own) source = null;
      setTimeout(connect, 1000);
    };
  }
  // Hidden tabs let go of their stream (browsers allow six connections per server);
  // back in view, the token sent on connect tells whether a build came meanwhile.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) return connect();
    if (source) source.close();
    source = null;
  });
  connect();
})();
"""


def inject(html: bytes, token: str) -> bytes:
    """``html`` with the reload script before its last ``</body>`` (else at the end)."""
    tag = f'<script src="{SCRIPT_PATH}" data-token="{token}"></script>'.encode()
    at = html.lower().rfind(b"</body>")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]


@dataclass(frozen=True)
class State:
    """What the event stream reports: a serial that grows on every change, the token
    of the pages now published and the error summary of a failed build, if any."""

    serial: int
    token: str
    error: str | None = None
    changed: tuple[str, ...] | None = None  # URL paths the build changed (None: any)


class Broadcaster:
    """The build state, shared by the watcher (writer) and every event stream (readers)."""

    def __init__(self, max_streams: int = MAX_STREAMS) -> None:
        self._streams = threading.BoundedSemaphore(max_streams)
        self._instance = secrets.token_hex(4)
        self._builds = 0
        self._state = State(0, self._token())
        self._changed = threading.Condition()
        self.closed = False

    def _token(self) -> str:
        return f"{self._instance}.{self._builds}"

    @property
    def state(self) -> State:
        return self._state

    def published(self, changed: tuple[str, ...] | None = None) -> None:
        """A build finished: open pages whose path is in ``changed`` reload (all of them
        when it is None, e.g. after a stylesheet changed)."""
        with self._changed:
            self._builds += 1
            self._state = State(self._state.serial + 1, self._token(), None, changed)
            self._changed.notify_all()

    def failed(self, summary: str) -> None:
        """A build found errors: pages stay, and show ``summary``."""
        with self._changed:
            self._state = State(self._state.serial + 1, self._state.token, summary)
            self._changed.notify_all()

    @contextmanager
    def stream_slot(self) -> Iterator[bool]:
        """One of the ``max_streams`` places for an open stream: ``True`` while held,
        ``False`` (at once, without waiting) when every place is taken."""
        granted = self._streams.acquire(blocking=False)
        try:
            yield granted
        finally:
            if granted:
                self._streams.release()

    def wait(self, serial: int, timeout: float) -> State:
        """The state once its serial differs from ``serial``, or after ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self._state.serial != serial, timeout)
            return self._state

    def close(self) -> None:
        """Release every waiting stream (the server is stopping)."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()


def event(state: State, live: bool = False) -> bytes:
    """The SSE message(s) for ``state``: the pages it changed (only for a ``live`` event,
    the build right after the one the stream sent last), the token, then the error
    summary if any."""
    text = ""
    if live and state.changed is not None:
        text += "event: changed\n" + "".join(f"data: {p}\n" for p in state.changed) + "\n"
    text += f"data: {state.token}\n\n"
    if state.error is not None:
        data = "".join(f"data: {line}\n" for line in state.error.splitlines() or [""])
        text += f"event: failed\n{data}\n"
    return text.encode()
