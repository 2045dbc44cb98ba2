"""The stream checkpoint of the local stack settles only what every consumer took, and rewinds to it
when the queues are new (local.pollers.Checkpoint, local.durability.QueueKeeper)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from local.durability import QueueKeeper
from local.pollers import Checkpoint

STREAM = "arn:aws:dynamodb:eu-central-1:000000000000:table/kontor/stream/1"
QUEUES = ["http://sqs/audit", "http://sqs/audit-dlq"]


class QueueDoesNotExist(Exception):
    pass


class FakeSqs:
    """Queue backlogs by URL; a URL missing is a queue the server lost."""

    class exceptions:  # noqa: N801 - spelled as boto3's client spells it
        QueueDoesNotExist = QueueDoesNotExist

    def __init__(self, backlogs: dict[str, int]) -> None:
        self.backlogs = backlogs
        self.asked: list[str] = []

    def get_queue_attributes(self, QueueUrl: str, AttributeNames: list[str]) -> dict[str, Any]:  # noqa: N803
        self.asked.append(QueueUrl)
        if QueueUrl not in self.backlogs:
            raise QueueDoesNotExist(QueueUrl)
        return {"Attributes": {"ApproximateNumberOfMessages": str(self.backlogs[QueueUrl])}}


class FakeStream:
    """The stream poller's side of a rewind: it applies it on its next poll."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.checkpoint = checkpoint
        self.requested = False

    def rewind(self) -> None:
        self.requested = True

    def rewinding(self) -> bool:
        return self.requested

    def next_poll(self) -> None:
        if self.requested:
            self.checkpoint.rewind()
            self.requested = False


@pytest.fixture
def checkpoint(tmp_path: Path) -> Checkpoint:
    checkpoint = Checkpoint(tmp_path / "checkpoint.json")
    checkpoint.bind(STREAM)
    return checkpoint


def _keeper(sqs: FakeSqs, checkpoint: Checkpoint, stream: FakeStream, created: list[int]) -> QueueKeeper:
    def create_queues() -> list[str]:
        created.append(1)
        sqs.backlogs.update(dict.fromkeys(QUEUES, 0))
        return QUEUES

    stopping = threading.Event()
    stopping.set()  # poll() returns at once instead of pausing
    return QueueKeeper(sqs, QUEUES, create_queues, checkpoint, stream, stopping)  # type: ignore[arg-type]


def test_a_new_run_resumes_from_the_settled_position_not_the_dispatched_one(tmp_path: Path) -> None:
    # given events dispatched up to 9, of which the consumers took those up to 5
    first = Checkpoint(tmp_path / "checkpoint.json")
    first.bind(STREAM)
    first.save("shard-1", "5")
    first.settle(first.dispatched())
    first.save("shard-1", "9")
    # when the next run binds to the same stream
    second = Checkpoint(tmp_path / "checkpoint.json")
    second.bind(STREAM)
    # then it reads on after 5: what the old queues held is sent again
    assert second.get("shard-1") == "5"


def test_a_new_stream_starts_afresh(checkpoint: Checkpoint, tmp_path: Path) -> None:
    # given a settled position in the old table's stream
    checkpoint.save("shard-1", "5")
    checkpoint.settle(checkpoint.dispatched())
    # when a run binds to the stream of a new table
    again = Checkpoint(tmp_path / "checkpoint.json")
    again.bind(STREAM + "-new")
    # then it starts from the stream's beginning
    assert again.get("shard-1") is None


def test_a_snapshot_taken_before_a_rewind_settles_nothing(checkpoint: Checkpoint) -> None:
    # given a snapshot of dispatched positions, then a rewind (the queues were lost meanwhile)
    checkpoint.save("shard-1", "9")
    snapshot = checkpoint.dispatched()
    checkpoint.rewind()
    # when the old snapshot is settled
    checkpoint.settle(snapshot)
    # then the settled position did not move: a later rewind still sends from the start
    checkpoint.save("shard-1", "12")
    checkpoint.rewind()
    assert checkpoint.get("shard-1") is None


def test_the_checkpoint_file_holds_both_positions(checkpoint: Checkpoint, tmp_path: Path) -> None:
    # when events are dispatched beyond the settled position
    checkpoint.save("shard-1", "5")
    checkpoint.settle(checkpoint.dispatched())
    checkpoint.save("shard-1", "9")
    # then the file says both
    saved = json.loads((tmp_path / "checkpoint.json").read_text())
    assert saved == {"stream_arn": STREAM, "dispatched": {"shard-1": "9"}, "settled": {"shard-1": "5"}}


def test_empty_queues_settle_the_dispatched_position(checkpoint: Checkpoint) -> None:
    # given dispatched events and empty queues
    stream = FakeStream(checkpoint)
    keeper = _keeper(FakeSqs(dict.fromkeys(QUEUES, 0)), checkpoint, stream, [])
    checkpoint.save("shard-1", "9")
    # when the keeper looks
    keeper.poll()
    # then a rewind goes back no further than 9
    checkpoint.rewind()
    assert checkpoint.get("shard-1") == "9"


def test_a_dead_letter_holds_the_settled_position_back(checkpoint: Checkpoint) -> None:
    # given a message in the dead-letter queue (it would die with the server too)
    stream = FakeStream(checkpoint)
    keeper = _keeper(FakeSqs({QUEUES[0]: 0, QUEUES[1]: 1}), checkpoint, stream, [])
    checkpoint.save("shard-1", "9")
    # when the keeper looks
    keeper.poll()
    # then nothing is settled
    checkpoint.rewind()
    assert checkpoint.get("shard-1") is None


def test_lost_queues_are_created_again_and_the_stream_rewinds(checkpoint: Checkpoint) -> None:
    # given events settled up to 5, dispatched up to 9, and an SQS server that lost its queues
    sqs = FakeSqs(dict.fromkeys(QUEUES, 0))
    stream = FakeStream(checkpoint)
    created: list[int] = []
    keeper = _keeper(sqs, checkpoint, stream, created)
    checkpoint.save("shard-1", "5")
    keeper.poll()
    checkpoint.save("shard-1", "9")
    sqs.backlogs.clear()
    # when the keeper looks, and the stream poller polls
    keeper.poll()
    stream.next_poll()
    # then the queues exist again and the stream reads on after 5
    assert (created, set(sqs.backlogs)) == ([1], set(QUEUES))
    assert checkpoint.get("shard-1") == "5"


def test_nothing_settles_while_the_rewind_is_pending(checkpoint: Checkpoint) -> None:
    # given a rewind requested but not yet applied by the stream poller, and new, empty queues
    sqs = FakeSqs({})
    stream = FakeStream(checkpoint)
    keeper = _keeper(sqs, checkpoint, stream, [])
    checkpoint.save("shard-1", "9")
    keeper.poll()
    # when the keeper looks again before the stream poller polled
    keeper.poll()
    stream.next_poll()
    # then 9 was not settled: the events up to it are sent again
    assert checkpoint.get("shard-1") is None


def test_with_nothing_dispatched_since_the_settle_one_queue_is_asked(checkpoint: Checkpoint) -> None:
    # given events dispatched and settled up to 9
    sqs = FakeSqs(dict.fromkeys(QUEUES, 0))
    keeper = _keeper(sqs, checkpoint, FakeStream(checkpoint), [])
    checkpoint.save("shard-1", "9")
    keeper.poll()
    sqs.asked.clear()
    # when the keeper looks again, nothing dispatched meanwhile
    keeper.poll()
    # then it asked one queue only (that the queues still exist)
    assert sqs.asked == QUEUES[:1]


def test_queues_lost_while_nothing_was_dispatched_are_created_again(checkpoint: Checkpoint) -> None:
    # given events settled up to 9, nothing dispatched since, and an SQS server that lost its queues
    sqs = FakeSqs(dict.fromkeys(QUEUES, 0))
    created: list[int] = []
    keeper = _keeper(sqs, checkpoint, FakeStream(checkpoint), created)
    checkpoint.save("shard-1", "9")
    keeper.poll()
    sqs.backlogs.clear()
    # when the keeper looks
    keeper.poll()
    # then the queues exist again
    assert (created, set(sqs.backlogs)) == ([1], set(QUEUES))
