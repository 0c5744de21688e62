"""HTTP facts the app relies on, as pure rules: who is asking (behind trusted proxies), whether
a request comes from the app's own pages, and the security headers of every response.

No streamlit and no starlette here: values in, values out.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit

# A random, HttpOnly cookie naming the browser; cookie tickets are bound to it.
BROWSER_COOKIE = "contest_browser"

SECURITY_HEADERS: dict[str, str] = {
    # No other site may frame the app (clickjacking).
    "Content-Security-Policy": "frame-ancestors 'self'",
    "X-Frame-Options": "SAMEORIGIN",
    # Documents and downloads are never sniffed into something else.
    "X-Content-Type-Options": "nosniff",
    # Invitation and registration links carry tokens: never send them to other sites.
    "Referrer-Policy": "same-origin",
}


def _in(address: str, networks: Sequence[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for network in networks:
        try:
            if ip in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: Sequence[str]) -> str:
    """The client's address: the peer, or when the peer is a trusted proxy, the nearest
    address in X-Forwarded-For that is not itself a trusted proxy. "" when unknown.

    Streamlit reports a loopback peer as None; it is treated as 127.0.0.1.
    """
    peer = peer or "127.0.0.1"
    if not _in(peer, trusted_proxies):
        return peer[:64]
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted_proxies):
            return hop[:64] if _valid_ip(hop) else ""
    return "" if _in(peer, ("127.0.0.0/8", "::1")) else peer[:64]


def _valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def origin_of(url: str) -> str:
    """scheme://host[:port] of a URL, lower case, default ports left out."""
    parts = urlsplit(url)
    scheme = (parts.scheme or "").lower()
    host = (parts.hostname or "").lower()
    if not scheme or not host:
        return ""
    port = parts.port
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"


def request_origin(headers: Mapping[str, str], scheme: str, peer: str | None,
                   trusted_proxies: Sequence[str], public_url: str | None) -> str:
    """The origin this request was addressed to: the public URL's when configured, else
    the Host header with the scheme (X-Forwarded-Proto/Host believed from trusted proxies)."""
    if public_url:
        return origin_of(public_url)
    if _in(peer or "127.0.0.1", trusted_proxies):
        scheme = (headers.get("x-forwarded-proto") or scheme).split(",")[0].strip()
        host = (headers.get("x-forwarded-host") or headers.get("host") or "").split(",")[0].strip()
    else:
        host = headers.get("host") or ""
    return origin_of(f"{scheme}://{host}") if host else ""


def same_site_request(headers: Mapping[str, str], expected_origin: str) -> bool:
    """True only for a request sent by the app's own pages: Sec-Fetch-Site (when the
    browser sends it) says same-origin, and Origin (required) is the app's own origin."""
    fetch_site = (headers.get("sec-fetch-site") or "").lower()
    if fetch_site and fetch_site != "same-origin":
        return False
    origin = headers.get("origin") or ""
    return bool(origin) and bool(expected_origin) and origin_of(origin) == expected_origin


def secure_cookies(public_url: str | None, scheme: str) -> bool:
    """Cookies carry Secure when users reach the app over HTTPS: the public URL says so
    (also behind a TLS proxy on another host), or the request itself came over HTTPS."""
    if public_url:
        return urlsplit(public_url).scheme.lower() == "https"
    return scheme == "https"
