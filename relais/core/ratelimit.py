"""Counters that hold back what a person or a robot may repeat: filings, emails sent, codes typed.

A fixed window per key, in the cache: the window opens with the first hit and expires `seconds` later. With
several web processes the cache must be shared (CACHE_URL=redis://…, required in production): with the
per-process default each process counts on its own, which only makes the limits looser, never wrongly stricter.
Keys are hashed, so the cache holds no address in clear.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The visitor's address: REMOTE_ADDR, or the header our reverse proxy sets when CLIENT_IP_HEADER names it
    (X-Forwarded-For typed by the client is never trusted otherwise)."""
    if request is None:
        return ""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        # X-Forwarded-For lists the client first, then the proxies.
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `seconds` for one key (an IP, an address…) in the scope `name`."""

    name: str
    limit: int
    seconds: int

    def _key(self, key: str) -> str:
        return f"ratelimit:{self.name}:{hashlib.sha256(key.strip().lower().encode()).hexdigest()}"

    def exceeded(self, *keys: str) -> bool:
        """True when any of `keys` has used up its hits (an empty key is not counted)."""
        if self.limit <= 0:
            return False
        return any(key and (cache.get(self._key(key)) or 0) >= self.limit for key in keys)

    def hit(self, *keys: str) -> None:
        if self.limit <= 0:
            return
        for key in filter(None, keys):
            cache_key = self._key(key)
            # add() opens the window only if none runs; incr() keeps its expiry.
            cache.add(cache_key, 0, self.seconds)
            try:
                cache.incr(cache_key)
            except ValueError:
                # The window expired between add() and incr(): this hit opens a new one.
                cache.set(cache_key, 1, self.seconds)

    def remaining(self, key: str) -> int:
        """Hits left for `key` in its window (to tell a person how many tries they have left)."""
        return max(0, self.limit - (cache.get(self._key(key)) or 0)) if key else self.limit

    def reset(self, *keys: str) -> None:
        cache.delete_many([self._key(key) for key in keys if key])

    @property
    def minutes(self) -> int:
        return max(1, self.seconds // 60)


@dataclass(frozen=True)
class EmailCap:
    """What a person can trigger that sends an email, capped per address and per IP so that nobody can use the
    platform to flood a mailbox. Counted whether or not an email actually leaves (an unknown address for a password
    reset counts the same), so the refusal tells nothing about who has an account."""

    name: str
    per_address: int
    per_ip: int
    seconds: int = 60 * 60

    @property
    def _address(self) -> RateLimit:
        return RateLimit(f"{self.name}-address", self.per_address, self.seconds)

    @property
    def _ip(self) -> RateLimit:
        return RateLimit(f"{self.name}-ip", self.per_ip, self.seconds)

    def refusal(self, *, email: str, ip: str) -> str | None:
        """The French message that refuses one more email, or None; counts the attempt when it is allowed."""
        minutes = self._address.minutes
        if self._address.exceeded(email):
            return (
                "Plusieurs courriels ont déjà été envoyés à cette adresse. Par sécurité, attendez "
                f"{minutes} minutes avant de recommencer, et pensez à regarder dans vos courriers indésirables."
            )
        if self._ip.exceeded(ip):
            return (
                "Trop de courriels ont été demandés depuis votre connexion internet. Par sécurité, réessayez dans "
                f"{minutes} minutes."
            )
        self._address.hit(email)
        self._ip.hit(ip)
        return None
