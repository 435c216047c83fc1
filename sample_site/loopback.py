"""A threaded HTTP server on loopback with a request log: what SampleSite and FakeWayback share."""

import sys
import threading
from http.server import ThreadingHTTPServer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (a crawler's timeout) is expected here: say nothing of it."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Serves ``handler`` over ``state`` (an object with ``lock`` and ``log``) in a background thread.

    The handler finds the state as ``self.server.<state_attr>``."""

    state_attr = "state"
    thread_name = "loopback"

    def __init__(self, state, handler, host="127.0.0.1", port=0):
        self._state, self._handler = state, handler
        self._host, self._port = host, port
        self._httpd = None
        self._thread = None

    @property
    def url(self):
        if self._httpd is None:
            raise RuntimeError("server not started")
        host, port = self._httpd.server_address[:2]
        return "http://%s:%d" % (host, port)

    @property
    def port(self):
        return self._httpd.server_address[1] if self._httpd else None

    @property
    def requests(self):
        """Snapshot (a new list) of the request log: dicts method, path (with query), status, time, user_agent."""
        with self._state.lock:
            return list(self._state.log)

    def clear_requests(self):
        with self._state.lock:
            self._state.log.clear()

    def make_server(self):
        httpd = _Server((self._host, self._port), self._handler)
        setattr(httpd, self.state_attr, self._state)
        return httpd

    def start(self):
        if self._httpd is not None:
            return self
        self._httpd = self.make_server()
        self._thread = threading.Thread(target=self._httpd.serve_forever, name=self.thread_name, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
