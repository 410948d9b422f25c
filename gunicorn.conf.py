"""gunicorn's configuration for sccoder (docs/deploy.md). gunicorn reads this file by itself when
started from the project folder; ``gunicorn -c gunicorn.conf.py`` names it explicitly.

sccoder runs behind a reverse proxy (nginx) that receives whole requests from the clients
before passing them on, so slow clients wait at the proxy, not here. This file makes gunicorn
hold up on its own too: a sync worker serves one connection at a time and is blocked by a
client that sends its headers a line a second, so a handful of such clients used to stall the
whole site. Threaded workers serve several requests each, a worker takes only the connections
it has a free thread for (the others wait in the listen queue for another worker), and request
lines and headers are limited.

Environment: SCCODER_BIND (default 127.0.0.1:8000), SCCODER_WORKERS (default twice the CPU
count, at most 8), SCCODER_THREADS (default 4). Each thread may keep a database connection
open, so workers × threads × servers must stay below PostgreSQL's max_connections (100).
Options given on gunicorn's command line win over this file.
"""

import os


def _positive(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a positive integer, got {raw!r}") from None
    if value < 1:
        raise SystemExit(f"{name} must be a positive integer, got {raw!r}")
    return value


wsgi_app = "sccoder.wsgi:application"
bind = [os.environ.get("SCCODER_BIND", "").strip() or "127.0.0.1:8000"]

worker_class = "gthread"
workers = _positive("SCCODER_WORKERS", min(2 * (os.cpu_count() or 1), 8))
threads = _positive("SCCODER_THREADS", 4)
# No more connections than threads: a worker whose threads are all busy stops accepting, so a
# request is never queued behind slow clients while another worker is free.
worker_connections = threads
# One request per connection (with worker_connections = threads there is no room for idle
# kept-alive ones): the proxy keeps its own connections to the browsers alive. A connection
# that sends nothing is dropped a few seconds after it is accepted.
keepalive = 0

# A worker whose main loop is silent this long is stuck and is restarted. With threaded
# workers this does not limit a request: long exports stream for minutes.
timeout = 60
# On a reload or stop, running requests (an export, say) get this long to finish.
graceful_timeout = 90

# sccoder's URLs are short and browsers send about a dozen headers: a request line over 4 KiB,
# a header over 8 KiB or more than 50 headers (gunicorn allows 100) is refused with a 4xx, so a
# client dribbling header lines is cut off after 50 of them.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# gunicorn's own messages and Django's (settings.LOGGING) go to stderr: the service's log.
errorlog = "-"
loglevel = "info"
