"""The slot arithmetic of several relays (docs/adr/0018-relay-shares.md): quotas, and
rounds of plans over a fake lock table converging to an exact, even split."""

import random

import pytest

from lotledger.shared.relay_slots import SLOTS, namespace, plan, quota


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 16, 31, 32, 33, 40])
def test_quotas_sum_to_the_slots_and_differ_by_at_most_one(n: int) -> None:
    members = [1000 + 7 * i for i in range(n)]
    quotas = [quota(members, me) for me in members]
    assert sum(quotas) == SLOTS
    assert max(quotas) - min(quotas) <= 1


def test_a_relay_alone_may_hold_every_slot() -> None:
    assert quota([42], 42) == SLOTS


def test_the_namespace_differs_per_service_and_schema_and_is_stable() -> None:
    keys = {namespace(k, s) for k in (1, 2) for s in ("inventory", "inventory_test")}
    assert len(keys) == 4
    assert namespace(0x6C6F746C65646765, "inventory") == namespace(0x6C6F746C65646765, "inventory")
    assert all(0 <= key < 2**31 for key in keys)


class LockTable:
    """Exclusive slot locks, as Postgres keeps them: one holder per slot."""

    def __init__(self) -> None:
        self.holder: dict[int, int] = {}

    def held_by(self, me: int) -> set[int]:
        return {s for s, pid in self.holder.items() if pid == me}

    def look(self, me: int, members: list[int]) -> None:
        held = self.held_by(me)
        taken = {s for s, pid in self.holder.items() if pid != me}
        todo = plan(held, taken, members, me)
        for slot in todo.release:
            del self.holder[slot]
        for slot in todo.candidates:
            if len(self.held_by(me)) >= todo.quota:
                break
            if slot not in self.holder:
                self.holder[slot] = me

    def kill(self, me: int) -> None:
        self.holder = {s: pid for s, pid in self.holder.items() if pid != me}

    def settled(self, members: list[int]) -> bool:
        return len(self.holder) == SLOTS and all(
            len(self.held_by(m)) == quota(members, m) for m in members
        )


def rounds_until_settled(table: LockTable, members: list[int], rng: random.Random) -> int:
    for n in range(1, 20):
        for me in rng.sample(members, len(members)):
            table.look(me, members)
        if table.settled(members):
            return n
    raise AssertionError(f"not settled: {table.holder}")


@pytest.mark.parametrize("seed", range(20))
def test_relays_joining_one_by_one_settle_to_an_exact_split_in_two_rounds(seed: int) -> None:
    rng = random.Random(seed)
    table = LockTable()
    members: list[int] = []
    for _ in range(rng.randint(2, 6)):
        members.append(rng.randint(100, 99_999))
        assert rounds_until_settled(table, members, rng) <= 2


@pytest.mark.parametrize("seed", range(20))
def test_the_survivors_take_a_killed_relays_slots_at_their_next_look(seed: int) -> None:
    rng = random.Random(seed)
    table = LockTable()
    members = rng.sample(range(100, 99_999), rng.randint(2, 5))
    rounds_until_settled(table, members, rng)
    dead = rng.choice(members)
    table.kill(dead)
    members.remove(dead)
    assert rounds_until_settled(table, members, rng) == 1


def test_shares_are_contiguous_ranges_of_the_hash_space() -> None:
    table = LockTable()
    members = [10, 20, 30, 40]
    rounds_until_settled(table, members, random.Random(1))
    for me in members:
        held = sorted(table.held_by(me))
        assert held == list(range(held[0], held[0] + len(held)))


def test_a_relay_above_its_quota_releases_the_slots_farthest_from_its_home() -> None:
    todo = plan(held=set(range(SLOTS)), taken=set(), members=[1, 2], me=1)
    assert todo.quota == SLOTS // 2
    assert sorted(todo.release) == list(range(SLOTS // 2, SLOTS))
    assert todo.candidates == ()
