"""Login throttling over the stored attempts, with the time passed in: five free failures, then
a growing, bounded wait per address and per account; a usual address is kept out only by its
own failures; a right password forgives; unknown logins are treated like real ones; parallel
guesses count each other."""

import contextlib
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from app.core.db import session_scope
from app.core.models import SignInAttempt, User
from app.core.sign_in_throttle import (
    FAILURES_COUNT_FOR,
    LONGEST_WAIT,
    USUAL_FOR,
    TooManyAttempts,
    admit,
    sign_in_with_password,
    wait_after,
)
from tests.conftest import Member

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HOME = "198.51.100.7"
ATTACKER = "203.0.113.66"


def attempt(engine: Engine, email: str, password: str, address: str, now: datetime) -> User | None:
    with session_scope(engine) as session:
        return sign_in_with_password(
            session=session, email=email, password=password, address=address, now=now
        )


def fail(engine: Engine, email: str, address: str, start: datetime, times: int) -> datetime:
    """`times` wrong passwords, one second apart; the time of the last."""
    for second in range(times):
        assert (
            attempt(engine, email, "wrong password", address, start + timedelta(seconds=second))
            is None
        )
    return start + timedelta(seconds=times - 1)


def stored_failures(engine: Engine, email: str, address: str, last: datetime, times: int) -> None:
    """`times` failures that were let in at their time, one a minute up to `last`."""
    with session_scope(engine) as session:
        for minute in range(times):
            at = last - timedelta(minutes=minute)
            session.add(SignInAttempt(email=email, address=address, at=at))


def refused_for(engine: Engine, email: str, password: str, address: str, now: datetime) -> int:
    with pytest.raises(TooManyAttempts) as refused:
        attempt(engine, email, password, address, now)
    return refused.value.seconds


def test_the_wait_grows_and_is_bounded() -> None:
    assert [wait_after(n).total_seconds() for n in range(4, 11)] == [0, 10, 20, 40, 80, 160, 300]
    assert wait_after(10_000) == LONGEST_WAIT


def test_the_sixth_wrong_password_waits_and_then_the_right_one_gets_in(
    engine: Engine, admin: Member
) -> None:
    last = fail(engine, admin.email, ATTACKER, T0, 5)
    seconds = refused_for(
        engine, admin.email, admin.password, ATTACKER, last + timedelta(seconds=1)
    )
    assert seconds == 9
    message = str(TooManyAttempts(seconds))
    assert message == "Too many attempts; try again in 9 seconds."
    user = attempt(engine, admin.email, admin.password, ATTACKER, last + timedelta(seconds=10))
    assert user is not None and user.last_login_at == last + timedelta(seconds=10)


def test_a_refused_attempt_is_not_counted_and_each_failure_doubles_the_wait(
    engine: Engine, admin: Member
) -> None:
    last = fail(engine, admin.email, ATTACKER, T0, 5)
    for _ in range(3):
        refused_for(engine, admin.email, "wrong password", ATTACKER, last + timedelta(seconds=2))
    sixth = last + timedelta(seconds=10)
    assert attempt(engine, admin.email, "wrong password", ATTACKER, sixth) is None
    assert refused_for(engine, admin.email, "x", ATTACKER, sixth + timedelta(seconds=1)) == 19
    with Session(engine) as session:
        assert len(session.exec(select(SignInAttempt)).all()) == 6


def test_failures_are_forgotten_after_the_hour(engine: Engine, admin: Member) -> None:
    stored_failures(engine, admin.email, ATTACKER, T0, 9)
    assert refused_for(engine, admin.email, "x", ATTACKER, T0 + timedelta(minutes=1))
    later = T0 + FAILURES_COUNT_FOR + timedelta(seconds=1)
    assert attempt(engine, admin.email, "wrong password", ATTACKER, later) is None
    with Session(engine) as session:
        assert len(session.exec(select(SignInAttempt)).all()) == 1


def test_one_address_guessing_many_accounts_is_slowed(engine: Engine, admin: Member) -> None:
    for index in range(5):
        fail(engine, f"guess{index}@acme.test", ATTACKER, T0 + timedelta(seconds=index), 1)
    assert refused_for(engine, "guess9@acme.test", "x", ATTACKER, T0 + timedelta(seconds=5))
    assert attempt(engine, admin.email, admin.password, HOME, T0 + timedelta(seconds=5))


def test_many_addresses_guessing_one_account_slow_it_down_from_new_addresses(
    engine: Engine, admin: Member
) -> None:
    for index in range(5):
        fail(engine, admin.email, f"203.0.113.{index}", T0 + timedelta(seconds=index), 1)
    now = T0 + timedelta(seconds=5)
    assert refused_for(engine, admin.email, admin.password, "192.0.2.99", now) == 9


def test_the_owner_at_a_usual_address_gets_in_while_others_hammer_the_account(
    engine: Engine, admin: Member
) -> None:
    assert attempt(engine, admin.email, admin.password, HOME, T0)
    start = T0 + timedelta(minutes=1)
    for index in range(30):
        address = f"203.0.113.{index}"
        when = start + timedelta(seconds=index)
        with contextlib.suppress(TooManyAttempts):
            attempt(engine, admin.email, "wrong password", address, when)
    now = start + timedelta(seconds=30)
    assert refused_for(engine, admin.email, admin.password, "192.0.2.99", now)
    assert attempt(engine, admin.email, admin.password, HOME, now) is not None


def test_a_usual_address_is_slowed_by_its_own_failures_only_and_for_five_minutes_at_most(
    engine: Engine, admin: Member
) -> None:
    assert attempt(engine, admin.email, admin.password, HOME, T0)
    last = T0 + timedelta(minutes=30)
    stored_failures(engine, admin.email, HOME, last, 20)
    assert refused_for(engine, admin.email, admin.password, HOME, last) == LONGEST_WAIT.seconds
    assert attempt(engine, admin.email, admin.password, HOME, last + LONGEST_WAIT) is not None
    assert attempt(engine, admin.email, "wrong password", HOME, last + LONGEST_WAIT) is None


def test_a_usual_address_is_forgotten_after_ninety_days(engine: Engine, admin: Member) -> None:
    assert attempt(engine, admin.email, admin.password, HOME, T0)
    later = T0 + USUAL_FOR + timedelta(days=1)
    for index in range(5):
        fail(engine, admin.email, f"203.0.113.{index}", later + timedelta(seconds=index), 1)
    assert refused_for(engine, admin.email, admin.password, HOME, later + timedelta(seconds=5))


def test_a_right_password_forgives_its_own_mistakes(engine: Engine, admin: Member) -> None:
    last = fail(engine, admin.email, HOME, T0, 4)
    assert attempt(engine, admin.email, admin.password, HOME, last + timedelta(seconds=1))
    last = fail(engine, admin.email, HOME, last + timedelta(seconds=2), 4)
    assert attempt(engine, admin.email, admin.password, HOME, last + timedelta(seconds=1))
    with Session(engine) as session:
        [kept] = session.exec(select(SignInAttempt)).all()
    assert (kept.email, kept.address, kept.succeeded) == (admin.email, HOME, True)


def test_an_unknown_login_is_throttled_like_a_real_one(engine: Engine, admin: Member) -> None:
    known = fail(engine, admin.email.upper(), "192.0.2.1", T0, 5)
    unknown = fail(engine, "nobody@acme.test", "192.0.2.2", T0, 5)
    after = timedelta(seconds=1)
    assert refused_for(engine, admin.email, "x", "192.0.2.1", known + after) == refused_for(
        engine, "nobody@acme.test", "x", "192.0.2.2", unknown + after
    )


def test_parallel_guesses_count_each_other(engine: Engine, admin: Member) -> None:
    """Ten guesses at once, in ten threads: five get their password checked, no more."""
    start = threading.Barrier(10)
    outcomes: list[str] = []

    def guess() -> None:
        start.wait()
        try:
            admit(engine, email=admin.email, address=ATTACKER, now=T0)
            outcomes.append("checked")
        except TooManyAttempts:
            outcomes.append("refused")

    threads = [threading.Thread(target=guess) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["checked"] * 5 + ["refused"] * 5
