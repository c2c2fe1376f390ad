"""Webhook test fixtures: a live local receiver and a workspace to subscribe."""

from collections.abc import Iterator

import pytest

from tests.conftest import Team
from tests.webhooks.receiver import Receiver, running_receiver


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as live:
        yield live


@pytest.fixture
def workspace_id(team: Team) -> int:
    return team.workspace("Acme")
