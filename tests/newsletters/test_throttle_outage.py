"""While Redis is down the send rate still holds across all workers: each
process keeps to its share of the global rate, and says so once."""

import logging
import socket

from newsletters.delivery.throttle import Throttle


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_during_an_outage_each_process_keeps_to_its_share(caplog):
    rate, processes, messages = 50, 4, 200
    throttle = Throttle(rate, f"redis://127.0.0.1:{closed_port()}/0", processes)
    with caplog.at_level(logging.WARNING, logger="newsletters.delivery.throttle"):
        delays = [throttle.reserve() for _ in range(messages)]
    # The last message may leave only when the process's share of the rate
    # allows: `processes` such processes together send at most `rate` per second.
    share = rate / processes
    assert delays[-1] >= (messages - 1 - throttle.local.burst) / share * 0.99
    outage_warnings = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outage_warnings) == 1


def test_without_redis_one_process_keeps_the_whole_rate():
    throttle = Throttle(50, None)
    delays = [throttle.reserve() for _ in range(100)]
    assert (100 - 1 - 5) / 50 * 0.99 <= delays[-1] <= (100 - 5) / 50 * 1.01
