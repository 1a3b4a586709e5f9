"""Seed 002 art. 2.5: does the structure's website show its legal notices and a personal-data page?

One client module, two backends: `HttpBackend` fetches the home page (short timeouts, one retry, answers cached a
day) and looks for the two links; `OfflineBackend` (tests and the embedded default, setting
FRANCENUM_WEBSITE_CHECK = "offline") reaches nothing and says the check is left to the reviewer.
"""

import re
import unicodedata
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.core.cache import cache

from .enums import LegalCheck

LEGAL_NOTICE = re.compile(r"mentions[\s_-]*legales|legal[\s_-]*notice|informations[\s_-]*legales|/legal")
PERSONAL_DATA = re.compile(
    r"donnees[\s_-]*personnelles|confidentialite|rgpd|privacy|protection[\s_-]*des[\s_-]*donnees|cookies"
)
TIMEOUT = httpx.Timeout(5.0, connect=3.0)
CACHE_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class WebsiteCheck:
    result: LegalCheck
    legal_notice: bool | None = None
    personal_data: bool | None = None
    note: str = ""
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"mentions_legales": self.legal_notice, "donnees_personnelles": self.personal_data, "note": self.note}


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def analyse(html: str) -> WebsiteCheck:
    """Look for the two links among the page's anchors (their address or their text)."""
    anchors = re.findall(r"<a\b[^>]*href=[\"']([^\"']*)[\"'][^>]*>(.*?)</a>", html, flags=re.I | re.S)
    texts = [_plain(f"{href} {re.sub(r'<[^>]+>', ' ', label)}") for href, label in anchors]
    legal = any(LEGAL_NOTICE.search(text) for text in texts)
    personal = any(PERSONAL_DATA.search(text) for text in texts)
    result = LegalCheck.OK if legal and personal else LegalCheck.PARTIAL if legal or personal else LegalCheck.MISSING
    return WebsiteCheck(result=result, legal_notice=legal, personal_data=personal)


class OfflineBackend:
    def check(self, url: str) -> WebsiteCheck:
        return WebsiteCheck(
            result=LegalCheck.UNCHECKED,
            note="Vérification automatique désactivée sur cette instance : contrôlez le site vous-même.",
        )


class HttpBackend:
    def __init__(self, transport: httpx.BaseTransport | None = None):
        self.transport = transport

    def check(self, url: str) -> WebsiteCheck:
        key = f"francenum:website-check:{url}"
        if (cached := cache.get(key)) is not None:
            return cached
        found = self._fetch(url)
        cache.set(key, found, CACHE_SECONDS)
        return found

    def _fetch(self, url: str) -> WebsiteCheck:
        error = ""
        for _attempt in range(2):
            try:
                with httpx.Client(
                    timeout=TIMEOUT,
                    follow_redirects=True,
                    max_redirects=5,
                    transport=self.transport,
                    headers={"User-Agent": "Relais-FranceNum-verification/1.0"},
                ) as client:
                    response = client.get(url)
            except httpx.HTTPError as exc:
                error = exc.__class__.__name__
                continue
            if response.status_code >= 400:
                error = f"HTTP {response.status_code}"
                continue
            return analyse(response.text[:2_000_000])
        return WebsiteCheck(result=LegalCheck.UNREACHABLE, note=f"Le site n'a pas répondu ({error}).")


def get_backend():
    backend = getattr(settings, "FRANCENUM_WEBSITE_CHECK", "offline")
    if backend == "offline":
        return OfflineBackend()
    if backend == "http":
        return HttpBackend()
    raise ValueError(f"FRANCENUM_WEBSITE_CHECK inconnu : {backend!r} (attendu : offline ou http)")


def check_website(url: str) -> WebsiteCheck:
    if not url:
        return WebsiteCheck(result=LegalCheck.MISSING, note="Aucun site internet indiqué.")
    return get_backend().check(url)
