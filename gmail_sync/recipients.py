"""Who a reply goes to, and from which of the team's addresses: the one place that decides
the recipients of every reply Tandem sends (reply-all is the default the product promises).

Pure functions over the answered message's headers: they never touch the database or the
network, and a note cannot reach them, since they only see the headers of the message being
answered and the addresses the agent typed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from gmail_sync.mime_headers import bare_address, format_address, message_ids, parse_addresses

if TYPE_CHECKING:
    from app.core.models import Message
    from gmail_sync.mime import ParsedMessage


@dataclass(frozen=True, slots=True)
class Answered:
    """What compose needs of the message being answered (from a Message row or a parsed one).

    Addresses follow `ParsedMessage`: `from_address` bare and lowercased, the lists display
    strings `Name <addr>`; message ids carry no angle brackets.
    """

    from_address: str
    from_name: str
    reply_to: tuple[str, ...]
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    mail_followup_to: tuple[str, ...]
    outbound: bool
    message_id: str | None
    references: tuple[str, ...]
    subject: str
    authors: tuple[str, ...] = ()
    list_post: str | None = None

    @classmethod
    def of(cls, message: Message) -> Answered:
        """A stored message; its `references` column is the space-separated id list."""
        return cls(
            from_address=message.from_address.lower(),
            from_name=message.from_name,
            authors=tuple(message.authors),
            list_post=message.list_post,
            reply_to=tuple(message.reply_to),
            to=tuple(message.to),
            cc=tuple(message.cc),
            bcc=tuple(message.bcc),
            mail_followup_to=tuple(message.mail_followup_to),
            outbound=message.direction == "outbound",
            message_id=message.rfc_message_id,
            references=message_ids(message.references or ""),
            subject=message.subject,
        )

    @classmethod
    def of_parsed(cls, parsed: ParsedMessage, *, own_addresses: Collection[str]) -> Answered:
        """A freshly parsed message; it is outbound when one of `own_addresses` sent it, the
        same rule sync applies when it stores a message's direction."""
        return cls(
            from_address=parsed.from_address,
            from_name=parsed.from_name,
            authors=parsed.authors,
            list_post=parsed.list_post,
            reply_to=parsed.reply_to,
            to=parsed.to,
            cc=parsed.cc,
            bcc=parsed.bcc,
            mail_followup_to=parsed.mail_followup_to,
            outbound=parsed.from_address in _lowered(own_addresses),
            message_id=parsed.message_id,
            references=parsed.references,
            subject=parsed.subject,
        )

    @property
    def written_by(self) -> tuple[str, ...]:
        """Every author: the From header's people (a From may name several)."""
        if self.authors:
            return self.authors
        return (format_address(self.from_name, self.from_address),) if self.from_address else ()

    def answer_to(self, own: frozenset[str]) -> tuple[str, ...]:
        """Whom a reply to the sender goes to: the Reply-To the author set, unless it names only
        the team itself (the client's system put our address there) or is the mailing list's
        own address that the list wrote over the author's; otherwise every author."""
        reply_to = tuple(p for p in self.reply_to if not is_own(bare_address(p), own))
        if reply_to and not self._list_wrote_reply_to(reply_to):
            return reply_to
        return self.written_by

    def _list_wrote_reply_to(self, reply_to: tuple[str, ...]) -> bool:
        """A discussion list that points Reply-To at itself: the message came through a list,
        and everyone Reply-To names is the list or already in its To or Cc."""
        if self.list_post is None:
            return False
        listed = {self.list_post, *(bare_address(p) for p in (*self.to, *self.cc))}
        return all(bare_address(person) in listed for person in reply_to)


@dataclass(frozen=True, slots=True)
class Recipients:
    """Display strings `Name <addr>`, each address once across `to` and `cc`.

    `dropped` lists, for a reply to the sender only, whom reply-all would have reached too, so
    the agent sees what the choice costs; it is empty for reply-all. `removed` lists whom the
    agent struck out by hand (`exclude`), so the audit trail can say who was left out on purpose.
    """

    to: tuple[str, ...]
    cc: tuple[str, ...]
    dropped: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


def reply_recipients(
    answered: Answered,
    *,
    own_addresses: Collection[str],
    mode: Literal["all", "sender"],
    exclude: Collection[str] = (),
) -> Recipients:
    """Who the reply goes to, never the team itself nor anyone in `exclude` (addresses the agent
    removed by hand); empty when nobody else remains.

    Reply-all follows Gmail and Thunderbird: Mail-Followup-To when the author set it (To only);
    otherwise To is the reply target plus the answered To, and Cc the answered Cc. A follow-up
    to the team's own message goes to that message's To and Cc. Nobody from the answered Bcc is
    ever added: a Bcc'd person (often the mailbox itself) must stay hidden.
    """
    chosen = _chosen_recipients(answered, own=_lowered(own_addresses), mode=mode)
    struck = _lowered(exclude)
    if not struck:
        return chosen
    return Recipients(
        to=tuple(person for person in chosen.to if bare_address(person) not in struck),
        cc=tuple(person for person in chosen.cc if bare_address(person) not in struck),
        dropped=chosen.dropped,
        removed=tuple(
            person for person in (*chosen.to, *chosen.cc) if bare_address(person) in struck
        ),
    )


def _chosen_recipients(
    answered: Answered, *, own: frozenset[str], mode: Literal["all", "sender"]
) -> Recipients:
    """Reply-all keeps the authors when Reply-To points elsewhere only because a list put
    itself there (the list stays: it is in To or Cc)."""
    answer_to = answered.answer_to(own)
    if answered.outbound:
        everyone = _addressed(answered.to, answered.cc, own=own)
        target = _addressed(answered.to, (), own=own)
    elif answered.mail_followup_to:
        everyone = _addressed(answered.mail_followup_to, (), own=own)
        target = _addressed(answer_to, (), own=own)
    else:
        everyone = _addressed((*answer_to, *answered.to), answered.cc, own=own)
        target = _addressed(answer_to, (), own=own)
    if mode == "all":
        return everyone
    kept = {bare_address(person) for person in target.to}
    left_out = (
        person for person in (*everyone.to, *everyone.cc) if bare_address(person) not in kept
    )
    return Recipients(to=target.to, cc=(), dropped=tuple(left_out))


def _addressed(to: Iterable[str], cc: Iterable[str], *, own: frozenset[str]) -> Recipients:
    """To and Cc without the team's addresses, each address once (where it first appears, as it
    was first spelled) under its first non-empty display name; groups expand to members."""
    first_seen: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    for field, entries in (("to", to), ("cc", cc)):
        for name, address in _people(entries):
            key = address.lower()
            if not is_own(key, own):
                first_seen.setdefault(key, (field, address))
                names[key] = names.get(key) or name

    def listed(field: str) -> tuple[str, ...]:
        return tuple(
            format_address(names[key], address)
            for key, (where, address) in first_seen.items()
            if where == field
        )

    return Recipients(to=listed("to"), cc=listed("cc"))


def is_own(address: str, own: Collection[str]) -> bool:
    """Whether a bare lowercased address is one of the team's: one of `own`, or a plus-addressed
    form of one (`support+urgent@acme.test` is support@acme.test's)."""
    if address in own:
        return True
    local, at, domain = address.partition("@")
    return bool(at) and "+" in local and f"{local.split('+', 1)[0]}@{domain}" in own


def _people(entries: Iterable[str]) -> list[tuple[str, str]]:
    return [pair for entry in entries for pair in parse_addresses(entry)]


def _lowered(addresses: Iterable[str]) -> frozenset[str]:
    return frozenset(filter(None, (bare_address(address) for address in addresses)))


def reply_from(answered: Answered, *, mailbox_email: str, aliases: Collection[str]) -> str:
    """The address the client wrote to, so the reply comes from where they expect it.

    For an inbound message: the first of the team's addresses (mailbox or send-as alias) in its
    To, then Cc, then Bcc, as Gmail picks it. A follow-up to the team's own message keeps that
    message's sender. Otherwise, the mailbox address.
    """
    spelled = {bare_address(alias): alias for alias in aliases}
    spelled[bare_address(mailbox_email)] = mailbox_email
    if answered.outbound:
        candidates = [answered.from_address]
    else:
        candidates = [
            address for _, address in _people((*answered.to, *answered.cc, *answered.bcc))
        ]
    for address in candidates:
        if address.lower() in spelled:
            return spelled[address.lower()]
    return mailbox_email


def diff_recipients(sent: Recipients, participants: Collection[str]) -> tuple[list[str], list[str]]:
    """(added, dropped): bare addresses the reply reaches that the thread had not included, and
    thread participants it leaves out, each sorted. `participants` may be bare addresses or
    display strings; the caller leaves out the team's own addresses."""
    reached = _lowered((*sent.to, *sent.cc))
    known = _lowered(participants)
    return sorted(reached - known), sorted(known - reached)
