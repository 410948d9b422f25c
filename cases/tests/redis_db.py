"""A Redis database of a test's own on 127.0.0.1:6379, for the tests of the RQ task queue.

RQ's keys (``rq:queue:default``, ``rq:job:<id>``…) have no prefix of their own, so a test that
runs a queue takes a whole numbered database: one found empty and claimed with a marker key set
only if absent, so two test runs at once (or a developer's cache in database 0) never share
one. The database is emptied afterwards: everything in it is what the test wrote.
"""

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

REDIS = ("127.0.0.1", 6379)
# 0 is the usual development cache; 13 and 14 are the shared-cache test's and older two-server
# tests' fixed databases.
CANDIDATES = range(12, 0, -1)
CLAIM = "sccoder-test-claim"


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def claimed_redis_database() -> Iterator[str]:
    """The URL of an empty Redis database claimed for the caller, emptied on leaving; the test
    is skipped, saying why, when Redis does not answer or every candidate database is in use."""
    if not redis_answers():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    import redis

    token = uuid.uuid4().hex
    for number in CANDIDATES:
        client = redis.Redis(*REDIS, db=number)
        if client.dbsize() or not client.set(CLAIM, token, nx=True, ex=3600):
            client.close()
            continue
        try:
            yield f"redis://{REDIS[0]}:{REDIS[1]}/{number}"
        finally:
            # Still ours, or emptied by the test itself (a cache's clear() empties the
            # database, the claim with it): what is there was written by the test.
            if client.get(CLAIM) in (None, token.encode()):
                client.flushdb()
            client.close()
        return
    pytest.skip(f"no empty Redis database among {list(CANDIDATES)} to claim")
