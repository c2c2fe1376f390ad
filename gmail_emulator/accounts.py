"""Google accounts that can sign in, and the OpenID Connect ID tokens Google would issue them.

Every mailbox is an account; `POST /_emulator/accounts` adds people who only sign in (a team
member who has no mailbox here). Accounts live in memory only: whoever seeds the emulator adds
them again at start. ID tokens are RS256 JWTs signed with a key made on first use (emulators
that never sign anyone in skip the key generation) and published, as Google publishes its own,
at `GET /oauth2/v1/certs` as `{key id: x509 PEM}` with Google's kind of `Cache-Control: public,
max-age=N` (`certs_max_age`, settable through the control API); the fetches are counted, so a
test can tell whether a verifier honoured that. A new key per start is harmless: each start is
a new URL (its port). It signs with `cryptography` alone: Google's
libraries are not the emulator's to import.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from gmail_emulator.store import Store
from gmail_emulator.tokens import Grant

ISSUER = "https://accounts.google.com"
ID_TOKEN_TTL_S = 3600
#: Google's certificates answer with a max-age of some hours; an hour here.
CERTS_MAX_AGE_S = 3600
EMAIL_SCOPES = frozenset({"email", "https://www.googleapis.com/auth/userinfo.email"})
PROFILE_SCOPES = frozenset({"profile", "https://www.googleapis.com/auth/userinfo.profile"})


class Accounts:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.people: dict[str, str] = {}
        self.key_id = secrets.token_hex(20)
        self.certs_max_age = CERTS_MAX_AGE_S
        self.certs_fetches = 0

    def add(self, email: str, name: str) -> str:
        """Adds (or renames) a person; returns the normalized address."""
        key = email.strip().lower()
        self.people[key] = name
        return key

    def clear(self) -> None:
        """Forgets the people and the certificates' max-age and count; the signing key stays,
        so issued ID tokens still verify."""
        self.people.clear()
        self.certs_max_age, self.certs_fetches = CERTS_MAX_AGE_S, 0

    def emails(self) -> list[str]:
        return sorted(set(self.people) | set(self.store.mailboxes))

    def exists(self, email: str) -> bool:
        return email in self.people or email in self.store.mailboxes

    def name_of(self, email: str) -> str:
        if email in self.people:
            return self.people[email]
        mailbox = self.store.mailboxes.get(email)
        return mailbox.name if mailbox else email.split("@")[0]

    @cached_property
    def _signing_key(self) -> tuple[rsa.RSAPrivateKey, str]:
        """The private key and its self-signed certificate (PEM), made together once."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return key, _self_signed(key, self.key_id)

    def certs(self) -> dict[str, str]:
        """The published certificates, counted as one fetch."""
        self.certs_fetches += 1
        return {self.key_id: self._signing_key[1]}

    def id_token(self, grant: Grant) -> str:
        """The token Google returns beside the access token when `openid` was granted: email
        claims only with the email scope, the name only with the profile scope."""
        now = int(time.time())
        scopes = set(grant.scope.split())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "azp": grant.client_id,
            "aud": grant.client_id,
            "sub": _subject(grant.email),
            "iat": now,
            "exp": now + ID_TOKEN_TTL_S,
        }
        if scopes & EMAIL_SCOPES:
            claims.update(email=grant.email, email_verified=True)
        if scopes & PROFILE_SCOPES:
            claims["name"] = self.name_of(grant.email)
        if grant.nonce:
            claims["nonce"] = grant.nonce
        header = {"alg": "RS256", "kid": self.key_id, "typ": "JWT"}
        signing_input = f"{_b64_json(header)}.{_b64_json(claims)}".encode("ascii")
        signature = self._signing_key[0].sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return f"{signing_input.decode('ascii')}.{_b64(signature)}"


def _subject(email: str) -> str:
    """A stable numeric id per address, shaped like Google's `sub`."""
    return str(int(hashlib.sha256(email.encode()).hexdigest()[:16], 16))


def _self_signed(key: rsa.RSAPrivateKey, name: str) -> str:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64_json(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())
