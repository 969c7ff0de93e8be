"""A Redis cache that degrades instead of failing when Redis is unreachable.

Django's RedisCache raises on every call while Redis is down, so sessions (cached_db), allauth's
rate limits and the page cache would turn every page into a 500. Here a connection error makes a
read a miss and a write a no-op, logs one warning per outage, and skips Redis for `RETRY_SECONDS`
(so a request does not wait for a connect timeout on every cache call).

Trade-offs while Redis is down (logged as warnings, visible in /healthz):
* allauth's rate limits fail open: their counters cannot be kept (the database still enforces
  everything else: verified email, passwords, reset tokens).
* Keys whose deletion failed (a logged-out session in cached_db, say) are remembered and deleted
  as soon as Redis answers again, so an old session cannot come back from the cache. This memory
  is per process: a worker that dies during the outage forgets its list (see the security report).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_SECONDS = 5.0


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._pending_deletes: set[str] = set()
        self._lock = threading.Lock()

    # --- the guard -----------------------------------------------------------------------------
    def _call(self, operation, fallback, *args):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            result = operation(*args)
        except UNREACHABLE as exc:
            with self._lock:
                first = self._down_until == 0.0
                self._down_until = time.monotonic() + RETRY_SECONDS
            if first:
                logger.warning("cache: Redis unreachable, serving without it: %s", exc)
            return fallback
        if self._down_until:
            self._recovered()
        return result

    def _recovered(self):
        with self._lock:
            self._down_until = 0.0
            pending, self._pending_deletes = self._pending_deletes, set()
        logger.warning("cache: Redis reachable again (%d deferred deletes)", len(pending))
        if pending:
            try:
                self._cache.delete_many(list(pending))
            except UNREACHABLE:
                with self._lock:
                    self._pending_deletes |= pending

    def _defer_delete(self, keys):
        with self._lock:
            self._pending_deletes.update(keys)

    @property
    def is_degraded(self) -> bool:
        return time.monotonic() < self._down_until

    # --- the cache API -------------------------------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: a caller using add() as a lock (allauth) proceeds rather than locking everyone out.
        return self._call(super().add, True, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call(super().incr, missing, key, delta, version)
        if result is missing:
            raise ValueError(f"Key '{key}' not found (cache unreachable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete(self, key, version=None):
        missing = object()
        result = self._call(super().delete, missing, key, version)
        if result is missing:
            self._defer_delete([self.make_and_validate_key(key, version=version)])
            return False
        return result

    def delete_many(self, keys, version=None):
        keys = list(keys)
        missing = object()
        result = self._call(super().delete_many, missing, keys, version)
        if result is missing:
            self._defer_delete([self.make_and_validate_key(k, version=version) for k in keys])

    def clear(self):
        return self._call(super().clear, False)
