"""Whether a routing rule's conditions hold for one inbound mail.

The facts a rule may ask about are read once per mail and only when a rule asks (`Mail`):
the stems of its subject and body (`app.core.stemming`, so «заказ» finds «заказа» and invoice
finds invoices, in any case), its language (the alphabet most of its letters are in, as
`inbox.reply_language` tells a reply's), whether the client had an earlier conversation. The
conversation's urgency is read as it stands, so rules run after `inbox.urgent_mail` can ask for
it. Never writes.
"""

from collections import Counter
from functools import cached_property

from sqlmodel import Session, col, select

from app.core.models import Conversation, Message, Priority
from app.core.stemming import stems
from inbox.rules import Client, RuleConditions, WordsIn
from inbox.written_language import text_languages


class Mail:
    """One inbound message in its conversation, as rules see it."""

    def __init__(self, session: Session, message: Message, conversation: Conversation) -> None:
        self.session, self.message, self.conversation = session, message, conversation

    @cached_property
    def sender(self) -> str:
        return self.message.from_address.strip().lower()

    @cached_property
    def subject_stems(self) -> str:
        return f" {stems(self.message.subject) or ''} "

    @cached_property
    def body_stems(self) -> str:
        return f" {stems(self.message.visible_text) or ''} "

    @cached_property
    def language(self) -> str | None:
        """Judged on the subject and the text together, so a short mail still has one; None
        when there are too few letters to tell."""
        lines = f"{self.message.subject}\n{self.message.visible_text}".splitlines()
        found = text_languages("\n".join(line for line in lines if line.strip()))
        return Counter(found).most_common(1)[0][0] if found else None

    @cached_property
    def known_client(self) -> bool:
        conversation = self.conversation
        if conversation.contact_id is None:
            return False
        query = select(Conversation.id).where(
            Conversation.workspace_id == conversation.workspace_id,
            Conversation.contact_id == conversation.contact_id,
            col(Conversation.id) != conversation.id,
        )
        if conversation.first_message_at is not None:
            query = query.where(col(Conversation.first_message_at) < conversation.first_message_at)
        else:
            query = query.where(col(Conversation.id) < conversation.id)
        return self.session.exec(query.limit(1)).first() is not None


def matches(conditions: RuleConditions, mail: Mail) -> bool:
    """Cheap facts first: most rules fail on the mailbox or the sender before any text is read."""
    if conditions.mailbox_id is not None and mail.message.mailbox_id != conditions.mailbox_id:
        return False
    if conditions.automated is not None and conditions.automated != bool(mail.message.automated):
        return False
    if conditions.urgent is not None:
        urgent = mail.conversation.priority == Priority.URGENT
        if urgent != conditions.urgent:
            return False
    if conditions.senders and not any(_sender_is(mail.sender, p) for p in conditions.senders):
        return False
    if conditions.words and not _has_words(conditions, mail):
        return False
    if conditions.language is not None and mail.language != conditions.language:
        return False
    if conditions.client is not None:
        return mail.known_client == (conditions.client == Client.KNOWN)
    return True


def _sender_is(sender: str, pattern: str) -> bool:
    """`@client.com` is the whole domain (not its subdomains); anything else one address."""
    if pattern.startswith("@"):
        return sender.rpartition("@")[2] == pattern[1:]
    return sender == pattern


def _has_words(conditions: RuleConditions, mail: Mail) -> bool:
    """A phrase matches where its words' stems follow each other in the text."""
    texts = []
    if conditions.words_in in (WordsIn.SUBJECT, WordsIn.ANYWHERE):
        texts.append(mail.subject_stems)
    if conditions.words_in in (WordsIn.BODY, WordsIn.ANYWHERE):
        texts.append(mail.body_stems)
    for word in conditions.words:
        wanted = stems(word)
        if wanted and any(f" {wanted} " in text for text in texts):
            return True
    return False
