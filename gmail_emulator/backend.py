"""The emulator's parts wired together: store, sign-in accounts, tokens, faults, quota, push
and the state file.

One `Backend` per app; the HTTP layers (Gmail API, OAuth, control) all share it.
"""

from __future__ import annotations

from gmail_emulator.accounts import Accounts
from gmail_emulator.faults import Faults
from gmail_emulator.gmail_api import GmailApi
from gmail_emulator.persistence import SqliteState
from gmail_emulator.push import Pusher, Subscription
from gmail_emulator.quota import Quota
from gmail_emulator.store import Store
from gmail_emulator.tokens import Tokens


class Backend:
    def __init__(self, state_path: str | None = None) -> None:
        self.state = SqliteState(state_path) if state_path else None
        self.store = Store(self.state)
        self.accounts = Accounts(self.store)
        self.tokens = Tokens(self.state, self.accounts.id_token)
        self.faults = Faults()
        self.quota = Quota()
        self.pusher = Pusher()
        self.api = GmailApi(self.store, self.tokens, self.faults, self.quota)
        if self.state is not None:
            self.state.load(self.store, self.tokens, self.pusher)
        self.store.listeners.append(self.pusher.notice)

    def subscribe(self, subscription: Subscription) -> None:
        self.pusher.subscribe(subscription)
        if self.state is not None:
            self.state.subscription_saved(subscription)

    def reset(self) -> None:
        """Forgets every mailbox, account, token, subscription, fault and quota count."""
        self.store.reset()
        self.accounts.clear()
        self.tokens.tokens.clear()
        self.pusher.subscriptions.clear()
        self.faults.clear()
        self.quota.clear()
        if self.state is not None:
            self.state.clear()

    def close(self) -> None:
        self.pusher.stop()
        if self.state is not None:
            self.state.close()
