"""RFC 6962 (RFC 9162 §2.1) Merkle trees: hashing, proofs and their verification.

Leaves are given as leaf hashes (`leaf_hash(data)`). A tree of `n` leaves is addressed by
leaf ranges `[start, end)`; a *perfect node* (level L, index i) is the root of the
aligned subtree over leaves `[i·2^L, (i+1)·2^L)` and is all a store needs to keep: any
range's hash is computed from perfect nodes (`range_hash`), and a proof is the list of
range hashes `inclusion_ranges`/`consistency_ranges` name, so a stored tree answers a
proof with one read of the nodes `perfect_nodes` lists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()
Range = tuple[int, int]
Node = tuple[int, int]
"""(level, index) of a perfect node; level 0 is a leaf."""


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than `n` (n ≥ 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """MTH(D[0:n]) straight from the definition (the reference for everything else)."""
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = split_point(len(leaves))
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """PATH(index, D[0:size]): the ranges whose hashes form the audit path, bottom first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    out: list[Range] = []

    def path(m: int, start: int, end: int) -> None:
        if end - start <= 1:
            return
        k = split_point(end - start)
        if m < k:
            path(m, start, start + k)
            out.append((start + k, end))
        else:
            path(m - k, start + k, end)
            out.append((start, start + k))

    path(index, 0, size)
    return out


def consistency_ranges(old_size: int, new_size: int) -> list[Range]:
    """PROOF(old_size, D[0:new_size]) of RFC 6962 §2.1.2 as ranges."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    out: list[Range] = []

    def sub(m: int, start: int, end: int, whole: bool) -> None:
        if m == end - start:
            if not whole:
                out.append((start, end))
            return
        k = split_point(end - start)
        if m <= k:
            sub(m, start, start + k, whole)
            out.append((start + k, end))
        else:
            sub(m - k, start + k, end, False)
            out.append((start, start + k))

    sub(old_size, 0, new_size, True)
    return out


def _is_perfect(start: int, end: int) -> bool:
    n = end - start
    return n & (n - 1) == 0 and start % n == 0


def perfect_nodes(ranges: Iterable[Range]) -> set[Node]:
    """The perfect nodes whose hashes determine every range."""
    needed: set[Node] = set()

    def walk(start: int, end: int) -> None:
        if _is_perfect(start, end):
            level = (end - start).bit_length() - 1
            needed.add((level, start >> level))
            return
        k = split_point(end - start)
        walk(start, start + k)
        walk(start + k, end)

    for start, end in ranges:
        walk(start, end)
    return needed


def range_hash(start: int, end: int, node: Callable[[int, int], bytes]) -> bytes:
    """MTH(D[start:end]) from perfect nodes (`node(level, index)`)."""
    if _is_perfect(start, end):
        level = (end - start).bit_length() - 1
        return node(level, start >> level)
    k = split_point(end - start)
    return node_hash(range_hash(start, start + k, node), range_hash(start + k, end, node))


def proof_from(ranges: Sequence[Range], nodes: Mapping[Node, bytes]) -> list[bytes]:
    return [range_hash(s, e, lambda level, i: nodes[(level, i)]) for s, e in ranges]


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected_root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2 (an empty old tree is consistent with any tree)."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


class Frontier:
    """The right edge of an append-only tree: one perfect subtree per binary digit of its
    size (`peaks`, by level). Appending a leaf returns the perfect nodes it completed
    (level ≥ 1), which is all a store must add to answer every later proof."""

    def __init__(self, size: int = 0, peaks: Mapping[int, bytes] | None = None) -> None:
        self.size = size
        self.peaks = dict(peaks or {})
        if set(self.peaks) != {lv for lv in range(size.bit_length()) if size >> lv & 1}:
            raise ValueError(f"the peaks of a tree of {size} are at its binary digits")

    @staticmethod
    def peak_nodes(size: int) -> list[Node]:
        """Where the peaks of a tree of `size` leaves are, as perfect nodes."""
        return [
            (level, (size >> (level + 1)) << 1)
            for level in range(size.bit_length())
            if size >> level & 1
        ]

    def append(self, leaf: bytes) -> list[tuple[int, int, bytes]]:
        completed: list[tuple[int, int, bytes]] = []
        h, level, index = leaf, 0, self.size
        while index & 1:
            h = node_hash(self.peaks.pop(level), h)
            level += 1
            index >>= 1
            completed.append((level, index, h))
        self.peaks[level] = h
        self.size += 1
        return completed

    def root(self) -> bytes:
        acc: bytes | None = None
        for level in sorted(self.peaks):
            acc = self.peaks[level] if acc is None else node_hash(self.peaks[level], acc)
        return EMPTY_ROOT if acc is None else acc
