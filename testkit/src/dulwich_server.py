# A second, independent git smart-HTTP server for the tests: dulwich's WSGI application under
# wsgiref, behind the same Basic auth as git_server.rs. Arguments: ROOT USER PASSWORD. Prints the
# port it listens on (127.0.0.1), then serves until killed; exits 3 when dulwich is missing.
import base64
import sys

try:
    from dulwich.server import FileSystemBackend
    from dulwich.web import WSGIRequestHandlerLogger, WSGIServerLogger, make_wsgi_chain
except ImportError as missing:
    print(f"dulwich is not installed: {missing}", file=sys.stderr, flush=True)
    sys.exit(3)
from wsgiref.simple_server import make_server

root, user, password = sys.argv[1:4]


class Root(FileSystemBackend):
    """Repositories by their path below ROOT (dulwich would take `/name.git` as absolute)."""

    def open_repository(self, path):
        path = path.decode() if isinstance(path, bytes) else path
        return super().open_repository(path.lstrip("/"))


app = make_wsgi_chain(Root(root))
expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def with_basic_auth(environ, start_response):
    if environ.get("HTTP_AUTHORIZATION", "") != expected:
        start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="git"'), ("Content-Length", "0")])
        return [b""]
    return app(environ, start_response)


class Quiet(WSGIRequestHandlerLogger):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", 0, with_basic_auth, server_class=WSGIServerLogger, handler_class=Quiet)
print(server.server_port, flush=True)
server.serve_forever()
