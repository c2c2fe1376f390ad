# ruff: noqa: RUF001 - the Russian demo's conversations are staged too; Cyrillic is intended
"""The demo team at work: after the first sync of the demo mailbox, some conversations are
owned, waiting, snoozed or done, carry internal notes with mentions and promised reply times,
so that a newcomer signing in sees an inbox a team lives in rather than a pile of new mail.

Everything goes through the product's own paths (status and assignment changes, notes,
promises), so the audit trail, notifications and reminders are the real ones.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from app.core.models import Conversation, User
from inbox.changes import change_conversation
from inbox.promises import make_promise
from notes.notes import create_note


@dataclass(frozen=True)
class _Staged:
    """What the team did with one demo conversation; `promise` is from now."""

    owner: str | None = None
    changes: dict[str, object] = field(default_factory=dict)
    notes: tuple[tuple[str, str], ...] = ()  # (author's email, body)
    promise: timedelta | None = None
    snooze: timedelta | None = None


_ANNA, _BEN, _ADMIN = "anna@tandem.test", "ben@tandem.test", "demo@tandem.test"
_STAGED = {
    "Urgent: checkout page returns 500": _Staged(
        owner=_ANNA,
        changes={"status": "open", "priority": "high", "tags": ["incident"]},
        notes=(
            (_BEN, 'The incident report is in the shared drive, @"Anna Petrova" — send it today.'),
            (_ANNA, "On it. Maria expects the full timeline, not just the fix."),
        ),
        promise=timedelta(hours=2),
    ),
    "Invoice 2026-0113 shows the wrong VAT number": _Staged(
        owner=_BEN,
        changes={"status": "pending", "tags": ["billing"]},
        notes=((_BEN, "Billing reissues the invoice; waiting for Pieter to confirm."),),
    ),
    "Export to CSV cuts off at 10,000 rows": _Staged(
        owner=_ANNA,
        changes={"status": "snoozed"},
        snooze=timedelta(days=1),
        notes=((_ANNA, "Sam tries the scheduled export tonight; back to it tomorrow."),),
    ),
    "Как добавить второго администратора?": _Staged(
        owner=_BEN, promise=timedelta(minutes=45), changes={"status": "open", "tags": ["how-to"]}
    ),
    "Webhook signatures do not verify": _Staged(
        notes=((_ADMIN, 'Who knows the signing code best? @"Ben Carter" maybe?'),),
    ),
    "Cannot log in after password reset": _Staged(owner=_ANNA, changes={"status": "closed"}),
    "Не приходят уведомления на почту": _Staged(owner=_BEN, changes={"status": "closed"}),
    "Срочно: страница оформления заказа отдаёт ошибку 500": _Staged(
        owner=_ANNA,
        changes={"status": "open", "priority": "high", "tags": ["incident"]},
        notes=(
            (_BEN, 'Отчёт об инциденте лежит на общем диске, @"Anna Petrova", отправь сегодня.'),
            (_ANNA, "Взяла. Марина ждёт полную хронологию, а не только исправление."),
        ),
        promise=timedelta(hours=2),
    ),
    "В счёте 2026-0113 указан неверный ИНН": _Staged(
        owner=_BEN,
        changes={"status": "pending", "tags": ["billing"]},
        notes=((_BEN, "Бухгалтерия перевыставляет счёт; ждём подтверждения от Виктории."),),
    ),
    "Выгрузка в CSV обрывается на 10 000 строк": _Staged(
        owner=_ANNA,
        changes={"status": "snoozed"},
        snooze=timedelta(days=1),
        notes=((_ANNA, "Степан попробует выгрузку по расписанию ночью; вернёмся завтра."),),
    ),
    "Не проходит проверка подписи вебхуков": _Staged(
        notes=((_ADMIN, 'Кто лучше всех знает код подписи? @"Ben Carter", может, ты?'),),
    ),
    "Не могу войти после сброса пароля": _Staged(owner=_ANNA, changes={"status": "closed"}),
}


def stage_demo_inbox(session: Session, *, workspace_id: int, now: datetime) -> None:
    """Applies the staged work to the demo conversations the sync brought in; one the demo
    mailbox no longer holds is left out."""
    team = {
        user.email: user
        for user in session.exec(select(User).where(User.workspace_id == workspace_id))
    }
    conversations = session.exec(
        select(Conversation).where(
            Conversation.workspace_id == workspace_id,
            col(Conversation.subject).in_(list(_STAGED)),
        )
    )
    admin = team[_ADMIN]
    for conversation in conversations:
        staged = _STAGED[conversation.subject]
        changes = dict(staged.changes)
        if staged.owner:
            changes["assignee_id"] = team[staged.owner].id
        if staged.snooze:
            changes["snoozed_until"] = now + staged.snooze
        change_conversation(
            session=session, conversation=conversation, actor=admin, changes=changes, now=now
        )
        for email, body in staged.notes:
            create_note(
                session=session, conversation=conversation, author=team[email], body=body, now=now
            )
        if staged.promise:
            make_promise(
                session, conversation=conversation, user=admin, due_at=now + staged.promise, now=now
            )
