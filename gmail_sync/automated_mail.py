# ruff: noqa: RUF001, RUF003 - out-of-office subjects are matched in the languages mailers use
"""Whether a person or a machine wrote a message, read from its headers and subject.

Owns the signs of automatic mail: bounces and delivery reports (a null Return-Path,
multipart/report, X-Failed-Recipients, MAILER-DAEMON and postmaster), read receipts, RFC 3834
Auto-Submitted and the vendors' X-Autoreply family, Precedence, newsletters and mailing lists
(List-*), and out-of-office replies known by their subject in English, Russian and the other
languages Outlook writes them in. Mail with one of these signs is `automated`: no person waits
for an answer, so it gets no acknowledgement, no SLA clock and no place in the team's open work.

Separately it owns the signs that a person may be waiting but no automatic reply may go
(`no_auto_reply`): the sender's X-Auto-Response-Suppress, or a post to a discussion list
(a List-Post address), which RFC 3834 asks robots not to answer and which a mailbox behind a
Google Group receives for every client's message.

Subjects are matched only where a mailer puts its marker (a prefix such as "Automatic reply:",
or a subject that is nothing but "Out of office" and when), so a client's question that merely
mentions an office stays a person's. It never reads a body and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gmail_sync.mime_headers import header_text
from gmail_sync.mime_tree import Headers

BOUNCE = "bounce"
READ_RECEIPT = "read receipt"
NULL_SENDER = "null sender"
AUTO_REPLY = "auto-reply"
OUT_OF_OFFICE = "out of office"
AUTO_GENERATED = "auto-generated"
BULK = "bulk"
MAILING_LIST = "mailing list"
SUPPRESSED = "sender asked for no auto-reply"
LIST_POST = "mailing list post"

_SYSTEM_SENDERS = frozenset({"mailer-daemon", "mailer_daemon", "mailerdaemon", "postmaster"})
_AUTO_REPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-AutoReply-From", "X-Mail-Autoreply")
_SUPPRESSING = frozenset({"all", "autoreply", "oof"})
_NO = frozenset({"", "no", "false", "0"})

# What mailers put before the original subject of an automatic reply.
_PREFIX = re.compile(
    r"(?:automatic reply|auto[- ]?reply|auto[- ]?response|automatic response"
    r"|out of (?:the )?office(?: auto[- ]?reply)?|ooo|vacation (?:reply|response)"
    r"|автоответ|автоматический ответ|нет на месте"
    r"|automatische antwort|abwesenheitsnotiz|réponse automatique|respuesta automática"
    r"|risposta automatica|resposta automática|automatisch antwoord|автоматична відповідь)"
    r"\s*:",
    re.IGNORECASE,
)
# Lotus Notes: "AUTO: Jane Doe is out of the office (returning 10/03/2025)".
_LOTUS = re.compile(r"auto:\s.*\bout of (?:the )?office\b", re.IGNORECASE)
# A subject that says nothing but that its writer is away...
_STATEMENT = re.compile(
    r"\s*(?:(?:i am|i'm|i will be|i'll be)\s+)?(?:currently\s+)?"
    r"(?:out of (?:the )?office(?: auto[- ]?reply)?|away from (?:the |my )?(?:office|desk)"
    r"|on (?:annual |maternity |paternity |parental |sick )?(?:vacation|holidays?|leave)"
    r"|auto[- ]?reply|automatic reply|auto[- ]?response|automatic response"
    r"|(?:я\s+)?(?:сейчас\s+)?(?:в отпуске|нет на месте|вне офиса|не в офисе"
    r"|отсутствую(?: в офисе| на работе)?)"
    r"|меня нет(?: на месте| в офисе)?|автоответ|автоматический ответ)",
    re.IGNORECASE,
)
# ... and, at most, since or until when: "Out of office until 10 March", "В отпуске до 10.03".
_WHEN = re.compile(
    r"[\s\-–—,:;.!(]*(?:$|(?:until|till|back|returning|from|through|between|on|today|tomorrow"
    r"|this|next|до|по|с|со|вернусь|буду)\b|\d|\()",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Automation:
    """`automated`: why no person waits for an answer to this message, or None.
    `no_auto_reply`: why, though a person may be waiting, no automatic reply may go, or None
    (left None when the message is automated, which says it already)."""

    automated: str | None
    no_auto_reply: str | None


def classify(headers: Headers, *, content_type: str, from_address: str, subject: str) -> Automation:
    """What the top-level headers, the root content type, the bare lowercased sender and the
    decoded subject say about who wrote the message."""
    automated = (
        _delivery_report(headers, content_type, from_address)
        or _auto_reply(headers)
        or (OUT_OF_OFFICE if is_out_of_office_subject(subject) else None)
        or _bulk(headers)
    )
    if automated is not None:
        return Automation(automated, None)
    return Automation(None, _no_auto_reply(headers))


def is_out_of_office_subject(subject: str) -> bool:
    """Whether the subject is one an automatic or out-of-office reply carries."""
    if _PREFIX.match(subject) or _LOTUS.match(subject):
        return True
    statement = _STATEMENT.match(subject)
    return bool(statement and "?" not in subject and _WHEN.match(subject, statement.end()))


def _delivery_report(headers: Headers, content_type: str, from_address: str) -> str | None:
    """Bounces and read receipts: reports a mail system or a mail client sends about mail."""
    if content_type in ("multipart/report", "message/disposition-notification"):
        report = headers.get_param("report-type")
        kind = report.lower() if isinstance(report, str) else ""
        if kind == "disposition-notification" or content_type.startswith("message/"):
            return READ_RECEIPT
        return BOUNCE
    if header_text(headers, "X-Failed-Recipients"):
        return BOUNCE
    if from_address.split("@", 1)[0] in _SYSTEM_SENDERS:
        return BOUNCE
    return_path = headers.get("Return-Path")
    if return_path is not None and return_path.strip().strip("<>").strip() == "":
        return NULL_SENDER
    return None


def _auto_reply(headers: Headers) -> str | None:
    """RFC 3834 Auto-Submitted and the older headers vacation programs set."""
    auto = header_text(headers, "Auto-Submitted").partition(";")[0].strip().lower()
    if auto == "auto-replied":
        return AUTO_REPLY
    if auto not in _NO:
        return AUTO_GENERATED
    if any(header_text(headers, name).lower() not in _NO for name in _AUTO_REPLY_HEADERS):
        return AUTO_REPLY
    if header_text(headers, "X-Autogenerated").lower() == "reply":
        return AUTO_REPLY
    return AUTO_REPLY if _precedence(headers) == "auto_reply" else None


def _bulk(headers: Headers) -> str | None:
    """Bulk mail and lists, except a post to a discussion list (a person wrote it)."""
    precedence = _precedence(headers)
    if precedence in ("bulk", "junk"):
        return BULK
    listed = precedence == "list" or any(
        header_text(headers, name) for name in ("List-Id", "List-Unsubscribe")
    )
    return MAILING_LIST if listed and not _is_list_post(headers) else None


def _no_auto_reply(headers: Headers) -> str | None:
    suppress = header_text(headers, "X-Auto-Response-Suppress").lower()
    if _SUPPRESSING & {token.strip() for token in re.split(r"[,;\s]+", suppress)}:
        return SUPPRESSED
    return LIST_POST if _is_list_post(headers) else None


def _precedence(headers: Headers) -> str:
    value = header_text(headers, "Precedence") or header_text(headers, "X-Precedence")
    return value.strip().lower()


def _is_list_post(headers: Headers) -> bool:
    """A list people write to gives its address in List-Post (RFC 2369); announcement lists
    and newsletters give none, or `NO`."""
    return "mailto:" in header_text(headers, "List-Post").lower()
