"""Password guessing made slow: after repeated wrong passwords, the next attempt must wait, a
wait that grows with every further failure; the attempts are rows, so every process of
`tandem serve --workers N` counts the same ones. Google sign-in never passes through here.

The rules, and why they cannot be turned against the person whose account is attacked:
- Five failures within the hour are free. Then each attempt waits 10 s after the last failure,
  twice as long after each further one, never more than 5 minutes. Waiting is a refusal that
  says for how long ("Too many attempts; try again in N seconds"), never a sleep that holds a
  worker, and a refused attempt does not check the password and counts for nothing.
- From an address the person has not signed in from before, two counters apply: the address's
  failures (one machine guessing many accounts) and the account's (many machines guessing one).
- From an address where the person signed in successfully within 90 days (a usual address),
  only that account's failures from that address count. So whoever hammers an account from
  elsewhere never keeps its owner out at their usual desk; and what someone at that same
  address can do is bounded: 5 minutes at most, ended by the right password.
- The attempt is written as a failure before the password is checked, in a short transaction
  of its own (one writer at a time on SQLite, an advisory lock per account and address on
  PostgreSQL), so parallel guesses from other threads or processes see each other and cannot
  all slip in under the limit; a right password then takes it back.
- Unknown addresses are counted and refused exactly like real ones, so throttling never tells
  whether an account exists.

It never commits the caller's session; `admit` commits its own short transaction.
"""

import hashlib
import math
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Engine, and_, delete, func, or_, text
from sqlmodel import Session, col, select

from app.core.accounts import authenticate
from app.core.db import session_scope
from app.core.errors import TandemError
from app.core.models import SignInAttempt, User, id_of

FREE_FAILURES = 5
FIRST_WAIT = timedelta(seconds=10)
LONGEST_WAIT = timedelta(minutes=5)
FAILURES_COUNT_FOR = timedelta(hours=1)
USUAL_FOR = timedelta(days=90)
ADDRESS_LENGTH = 64


class TooManyAttempts(TandemError):
    status_code = 429

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds
        unit = "second" if seconds == 1 else "seconds"
        super().__init__(f"Too many attempts; try again in {seconds} {unit}.")


def wait_after(failures: int) -> timedelta:
    """How long after the last of `failures` the next attempt may come."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    doublings = min(failures - FREE_FAILURES, 16)
    return min(FIRST_WAIT * (1 << doublings), LONGEST_WAIT)


def login_key(email: str) -> str:
    """What attempts are counted under: the login as typed, folded like `authenticate` folds
    it, whether or not it is anyone's."""
    return email.strip().lower()[:320]


def _lock(session: Session, *names: str) -> None:
    """On PostgreSQL, one transaction at a time per account and per address (in one order, so
    two never wait on each other); SQLite lets one writer in at a time anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted(
        int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        for name in names
    )
    for key in keys:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def _is_usual(session: Session, email: str, address: str, now: datetime) -> bool:
    query = select(SignInAttempt.id).where(
        SignInAttempt.email == email,
        SignInAttempt.address == address,
        col(SignInAttempt.succeeded).is_(True),
        col(SignInAttempt.at) > now - USUAL_FOR,
    )
    return session.exec(query.limit(1)).first() is not None


def _counters(
    session: Session, email: str, address: str, now: datetime
) -> list[ColumnElement[bool]]:
    by_account = col(SignInAttempt.email) == email
    by_address = col(SignInAttempt.address) == address
    if _is_usual(session, email, address, now):
        return [and_(by_account, by_address)]
    return [by_address, by_account]


def _seconds_to_wait(
    session: Session, *, email: str, address: str, now: datetime, besides: int
) -> int:
    """Whole seconds until an attempt for `email` from `address` may come (0: now), counting
    the failures of others than attempt `besides`."""
    recent_failures = and_(
        col(SignInAttempt.succeeded).is_(False),
        col(SignInAttempt.at) > now - FAILURES_COUNT_FOR,
        col(SignInAttempt.id) != besides,
    )
    longest = 0.0
    for counter in _counters(session, email, address, now):
        query = select(func.count(), func.max(SignInAttempt.at)).where(recent_failures, counter)
        failures, last = session.exec(query).one()
        if last is not None:
            longest = max(longest, (last + wait_after(failures) - now).total_seconds())
    return math.ceil(longest)


def admit(engine: Engine, *, email: str, address: str, now: datetime) -> None:
    """Lets an attempt in, already recorded as a failure and committed; TooManyAttempts, with
    nothing recorded, while a wait runs."""
    address = address[:ADDRESS_LENGTH]
    with session_scope(engine) as session:
        _lock(session, f"sign-in account {email}", f"sign-in address {address}")
        attempt = SignInAttempt(email=email, address=address, at=now)
        session.add(attempt)
        session.flush()
        wait = _seconds_to_wait(
            session, email=email, address=address, now=now, besides=id_of(attempt)
        )
        if wait > 0:
            raise TooManyAttempts(wait)
        _forget_old(session, now)


def _forget_old(session: Session, now: datetime) -> None:
    stale = or_(
        col(SignInAttempt.at) < now - USUAL_FOR,
        and_(
            col(SignInAttempt.succeeded).is_(False),
            col(SignInAttempt.at) < now - FAILURES_COUNT_FOR,
        ),
    )
    session.execute(delete(SignInAttempt).where(stale).execution_options(synchronize_session=False))


def forgive(session: Session, *, email: str, address: str, now: datetime) -> None:
    """A right password: the account's failures from this address are taken back, and the
    address is (still) a usual one, for 90 days from now."""
    address = address[:ADDRESS_LENGTH]
    pair = and_(col(SignInAttempt.email) == email, col(SignInAttempt.address) == address)
    session.execute(delete(SignInAttempt).where(pair).execution_options(synchronize_session=False))
    session.add(SignInAttempt(email=email, address=address, succeeded=True, at=now))
    session.flush()


def engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def sign_in_with_password(
    *, session: Session, email: str, password: str, address: str, now: datetime
) -> User | None:
    """The active user whose password this is, else None; TooManyAttempts while a wait runs
    (the password is then not even checked)."""
    key = login_key(email)
    admit(engine_of(session), email=key, address=address, now=now)
    user = authenticate(session=session, email=key, password=password)
    if user is not None:
        forgive(session, email=key, address=address, now=now)
        user.last_login_at = now
        session.add(user)
        session.flush()
    return user
