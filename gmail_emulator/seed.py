"""Seeding: the built-in demo mailbox, or mail read from a directory.

`--seed demo` builds deterministic RFC 822 mail (stdlib EmailMessage, fixed dates, ids and MIME
boundaries) from `demo_mailbox`, `--seed demo-ru` from `demo_mailbox_ru` (the same mailbox, its
clients all writing in Russian). `--seed DIR` creates one mailbox per subdirectory named like an
address (`DIR/support@acme.test/`) and delivers its `*.eml` and `*.mbox` files as incoming mail;
files directly in DIR go to support@acme.test. Mailboxes that already exist (a --state restart)
are left alone.
"""

from __future__ import annotations

import mailbox as mbox_format
import tempfile
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, formataddr
from pathlib import Path
from types import ModuleType

from gmail_emulator import demo_mailbox as demo
from gmail_emulator import demo_mailbox_ru
from gmail_emulator.backend import Backend
from gmail_emulator.store import DATE_HEADER, Store

INCOMING_LABELS = ("INBOX", "UNREAD")
#: The demo's mail spans the ten days before the day it is seeded (same content every time),
#: so a client's look-back window (Tandem's is 90 days) always includes it.
_DEMO_SPAN = timedelta(days=10)
_SUPPORT = (demo.MAILBOX_NAME, demo.MAILBOX)


#: The built-in seeds and the mail each holds.
DEMO_SEEDS: dict[str, ModuleType] = {"demo": demo, "demo-ru": demo_mailbox_ru}


def load_seed(backend: Backend, seed: str) -> None:
    if seed in DEMO_SEEDS:
        load_demo(backend.store, DEMO_SEEDS[seed])
    else:
        load_directory(backend.store, Path(seed))


def load_demo(store: Store, content: ModuleType = demo) -> None:
    """`content`: `demo_mailbox` or `demo_mailbox_ru`; a mailbox already there (a --state
    restart) keeps the mail it has."""
    if demo.MAILBOX in store.mailboxes:
        return
    store.create_mailbox(demo.MAILBOX, demo.MAILBOX_NAME, demo.ALIASES)
    conversations = [
        *content.CONVERSATIONS,
        content.AUTO_REPLY,
        content.NEWSLETTER,
        long_thread(content),
    ]
    today = datetime.now(UTC).replace(hour=8, minute=0, second=0, microsecond=0)
    with store.bulk():
        for index, conversation in enumerate(conversations):
            for raw, labels in conversation_mail(today - _DEMO_SPAN, index, conversation):
                store.add_message(demo.MAILBOX, raw, labels, date_source=DATE_HEADER)


def long_thread(content: ModuleType = demo) -> demo.Conversation:
    """A 20-message migration project, one data set per exchange."""
    turns = [content.LONG_THREAD_OPENING]
    for step in content.LONG_THREAD_STEPS:
        turns.append(content.LONG_THREAD_NEXT.format(step=step))
        turns.append(content.LONG_THREAD_DONE.format(step=step))
    turns.append(content.LONG_THREAD_CLOSING)
    return demo.Conversation(
        content.LONG_THREAD_SUBJECT,
        content.LONG_THREAD_CLIENT,
        tuple(turns),
        cc=content.LONG_THREAD_CC,
        russian=content is demo_mailbox_ru,
    )


def conversation_mail(
    first_day: datetime, index: int, conversation: demo.Conversation
) -> list[tuple[bytes, list[str]]]:
    """Each turn as (RFC 822 bytes, labels): client turns in INBOX, support turns SENT."""
    mail: list[tuple[bytes, list[str]]] = []
    references: list[str] = []
    previous: tuple[str, str, datetime] | None = None
    start = first_day + timedelta(hours=5 * index)
    for turn, text in enumerate(conversation.turns):
        from_client = turn % 2 == 0
        when = start + timedelta(hours=2 * turn, minutes=7 * turn)
        message = _turn_message(conversation, turn, when, references)
        _set_body(message, conversation, text, previous, from_client)
        if conversation.attachment and conversation.attachment_turn == turn:
            attachment = conversation.attachment
            kind, _, subtype = attachment.mime_type.partition("/")
            message.add_attachment(
                attachment.data, maintype=kind, subtype=subtype, filename=attachment.filename
            )
        for number, part in enumerate(p for p in message.walk() if p.is_multipart()):
            part.set_boundary(f"=_demo_{index}_{turn}_{number}")
        last = turn == len(conversation.turns) - 1
        labels = ["INBOX", "UNREAD"] if from_client and last else ["INBOX"]
        mail.append((message.as_bytes(), labels if from_client else ["SENT"]))
        references.append(str(message["Message-ID"]))
        sender = conversation.client[0] if from_client else demo.MAILBOX_NAME
        previous = (text, sender, when)
    return mail


def _turn_message(
    conversation: demo.Conversation, turn: int, when: datetime, references: list[str]
) -> EmailMessage:
    from_client = turn % 2 == 0
    support = (demo.MAILBOX_NAME, conversation.to)
    message = EmailMessage()
    message["From"] = formataddr(conversation.client if from_client else support)
    message["To"] = formataddr(support if from_client else conversation.client)
    if conversation.cc:
        message["Cc"] = ", ".join(formataddr(person) for person in conversation.cc)
    prefix = ("Ответ: " if conversation.russian else "Re: ") if turn else ""
    subject = prefix + conversation.subject
    message["Subject"] = subject if subject.isascii() else _Subject(subject)
    message["Date"] = format_datetime(when)
    domain = (conversation.client if from_client else support)[1].split("@")[1]
    message["Message-ID"] = f"<demo-{abs(hash_subject(conversation.subject))}-{turn}@{domain}>"
    if references:
        message["In-Reply-To"] = references[-1]
        message["References"] = " ".join(references)
    for name, value in conversation.headers:
        message[name] = value
    return message


class _Subject(str):
    """A subject as mail programs write it, every space inside an encoded word: Python's own
    folding joins encoded words at the spaces between words, which RFC 2047 readers drop, and
    the Russian demo showed «страницаоформления». Tandem's replies do the same in
    `gmail_sync.encoded_words`; the emulator imports nothing of Tandem."""

    name = "Subject"

    def fold(self, *, policy: Policy) -> str:
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=policy.linesep)
        return f"{self.name}: {encoded}{policy.linesep}"


def hash_subject(subject: str) -> int:
    """A stable number per conversation (str hashes vary per process)."""
    return sum((position + 1) * ord(char) for position, char in enumerate(subject))


def _set_body(
    message: EmailMessage,
    conversation: demo.Conversation,
    text: str,
    previous: tuple[str, str, datetime] | None,
    from_client: bool,
) -> None:
    if text.startswith("<"):
        message.set_content(text, subtype="html")
        return
    quoted = _quote(previous, conversation.russian) if previous else ""
    message.set_content(text + "\n" + quoted)
    if conversation.html and from_client:
        block = f"<blockquote>{_escape(quoted)}</blockquote>" if quoted else ""
        message.add_alternative(f"<div>{_escape(text)}</div>{block}", subtype="html")


def _quote(previous: tuple[str, str, datetime], russian: bool) -> str:
    text, sender, when = previous
    stamp = when.strftime("%d.%m.%Y %H:%M")
    intro = f"{stamp}, {sender} написал(а):" if russian else f"On {stamp}, {sender} wrote:"  # noqa: RUF001
    return "\n" + intro + "\n" + "\n".join("> " + line for line in text.splitlines()) + "\n"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def load_directory(store: Store, directory: Path) -> None:
    if not directory.is_dir():
        raise FileNotFoundError(f"seed directory {directory} does not exist")
    targets = [(demo.MAILBOX, directory)] + [
        (sub.name.lower(), sub) for sub in sorted(directory.iterdir()) if "@" in sub.name
    ]
    existing = set(store.mailboxes)
    for email, folder in targets:
        files = sorted(p for p in folder.iterdir() if p.suffix in {".eml", ".mbox"})
        if not files or email in existing:
            continue
        if email not in store.mailboxes:
            store.create_mailbox(email, email.split("@")[0], [])
        with store.bulk():
            for path in files:
                for raw in _raw_messages(path):
                    store.add_message(email, raw, INCOMING_LABELS, date_source=DATE_HEADER)


def _raw_messages(path: Path) -> list[bytes]:
    if path.suffix == ".eml":
        return [path.read_bytes()]
    return mbox_messages(path.read_bytes())


def mbox_messages(data: bytes) -> list[bytes]:
    """The messages of an mbox file's bytes, each without its From_ line."""
    with tempfile.NamedTemporaryFile(suffix=".mbox") as handle:
        handle.write(data)
        handle.flush()
        box = mbox_format.mbox(handle.name, create=False)
        try:
            return [box.get_bytes(key) for key in box.iterkeys()]
        finally:
            box.close()
