"""Where a webhook may post: public addresses only, so that a workspace admin cannot make
Tandem's server call what only it can reach (its own ports, the database, the cloud's metadata
service at 169.254.169.254, the office network). `TANDEM_WEBHOOK_ALLOW_PRIVATE=true` lifts the
rule for deployments that post to a receiver next door, and for tests.

Refused is every address that is not global: loopback, private (RFC 1918, unique local IPv6),
link-local, carrier-grade NAT, unspecified, reserved and documentation ranges, and multicast;
IPv4 inside IPv6 (`::ffff:127.0.0.1`) is judged as the IPv4 address it is. A name is judged by
every address it resolves to. The URL is checked when a webhook is saved and again before each
delivery, since what a name resolves to can change; the delivery then connects to the very
address it checked (the name stays in the Host header and in TLS's server name), so a name
cannot answer a public address to the check and a private one to the connection.

Never does HTTP itself and never touches the database.
"""

import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit, urlunsplit

from app.core.errors import Invalid
from app.core.i18n import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ALLOW_SETTING = "TANDEM_WEBHOOK_ALLOW_PRIVATE"


def is_public(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def addresses_of(host: str, port: int) -> list[IPAddress]:
    """Every address `host` resolves to, in the resolver's order (an IP address is itself);
    OSError when it does not resolve, UnicodeError when it cannot be a name."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ipaddress.ip_address(str(info[4][0])) for info in found))


def _parts(url: str) -> tuple[SplitResult, str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    return parts, host, parts.port or (443 if parts.scheme == "https" else 80)


def refuse_private(host: str, addresses: list[IPAddress]) -> None:
    private = [address for address in addresses if not is_public(address)]
    if not private:
        return
    where = (
        host
        if _literal(host)
        else _("%(host)s (which resolves to %(address)s)") % {"host": host, "address": private[0]}
    )
    raise Invalid(
        _(
            "webhook url points to %(where)s, a loopback, link-local or private address: "
            "webhooks post to public addresses only (the server's operator can allow these "
            "with %(setting)s=true)"
        )
        % {"where": where, "setting": ALLOW_SETTING}
    )


def check_target(url: str, *, allow_private: bool) -> None:
    """When a webhook is saved: Invalid when its host is, or resolves to, a private address. A
    name that does not resolve now passes; each delivery checks again."""
    if allow_private:
        return
    _split, host, port = _parts(url)
    try:
        addresses = addresses_of(host, port)
    except (OSError, UnicodeError):
        return
    refuse_private(host, addresses)


@dataclass(frozen=True)
class Target:
    """How to post to a webhook's URL: `url` names the address to connect to; `headers` and
    `extensions` (httpx's) keep the URL's own host name for the Host header and TLS."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def resolve_target(url: str, *, allow_private: bool) -> Target:
    """At delivery: the checked address to connect to. Invalid when it is private, OSError or
    UnicodeError when the name does not resolve (each a failed attempt, retried like any
    other)."""
    if allow_private:
        return Target(url)
    parts, host, port = _parts(url)
    addresses = addresses_of(host, port)
    refuse_private(host, addresses)
    if _literal(host):
        return Target(url)
    address = addresses[0]
    pinned = f"[{address}]" if address.version == 6 else str(address)
    userinfo, _, host_and_port = parts.netloc.rpartition("@")
    netloc = (
        (f"{userinfo}@" if userinfo else "") + pinned + (f":{parts.port}" if parts.port else "")
    )
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    return Target(urlunsplit(parts._replace(netloc=netloc)), {"Host": host_and_port}, extensions)
