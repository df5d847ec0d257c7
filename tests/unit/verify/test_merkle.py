"""RFC 6962 Merkle trees: the published test vectors of Certificate Transparency, and
every size, leaf and proof against the definition written out in `merkle.root`."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lotledger.verify.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_ranges,
    inclusion_ranges,
    leaf_hash,
    perfect_nodes,
    proof_from,
    root,
    verify_consistency,
    verify_inclusion,
)

CT_DATA = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
CT_LEAVES = [leaf_hash(d) for d in CT_DATA]
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
CT_INCLUSION = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
CT_CONSISTENCY = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]


class StoredTree:
    """A tree kept the way a store keeps it: leaves plus the perfect nodes appends made."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.frontier = Frontier()
        self.nodes: dict[tuple[int, int], bytes] = {}
        for i, leaf in enumerate(leaves):
            self.nodes[(0, i)] = leaf
            for level, index, h in self.frontier.append(leaf):
                self.nodes[(level, index)] = h

    def proof(self, ranges: list[tuple[int, int]]) -> list[bytes]:
        assert perfect_nodes(ranges) <= set(self.nodes)
        return proof_from(ranges, self.nodes)


def test_roots_match_the_published_vectors() -> None:
    assert root([]) == EMPTY_ROOT == bytes.fromhex(CT_ROOTS[0])
    frontier = Frontier()
    for size in range(1, 9):
        frontier.append(CT_LEAVES[size - 1])
        assert root(CT_LEAVES[:size]).hex() == CT_ROOTS[size]
        assert frontier.root().hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "expected"), CT_INCLUSION)
def test_inclusion_proofs_match_the_published_vectors(
    index: int, size: int, expected: list[str]
) -> None:
    proof = StoredTree(CT_LEAVES[:size]).proof(inclusion_ranges(index, size))
    assert [p.hex() for p in proof] == expected
    assert verify_inclusion(index, size, CT_LEAVES[index], proof, bytes.fromhex(CT_ROOTS[size]))
    assert not verify_inclusion(index, size, CT_LEAVES[index], proof, EMPTY_ROOT)


@pytest.mark.parametrize(("old", "new", "expected"), CT_CONSISTENCY)
def test_consistency_proofs_match_the_published_vectors(
    old: int, new: int, expected: list[str]
) -> None:
    proof = StoredTree(CT_LEAVES[:new]).proof(consistency_ranges(old, new))
    assert [p.hex() for p in proof] == expected
    old_root, new_root = bytes.fromhex(CT_ROOTS[old]), bytes.fromhex(CT_ROOTS[new])
    assert verify_consistency(old, new, old_root, new_root, proof)


leaf_lists = st.lists(st.binary(max_size=8), min_size=1, max_size=70).map(
    lambda data: [leaf_hash(d + i.to_bytes(2, "big")) for i, d in enumerate(data)]
)


@given(leaf_lists)
def test_the_frontier_root_is_the_definition(leaves: list[bytes]) -> None:
    tree = StoredTree(leaves)
    assert tree.frontier.root() == root(leaves)
    assert Frontier(tree.frontier.size, tree.frontier.peaks).root() == root(leaves)
    assert {(level, index) for level, index in Frontier.peak_nodes(len(leaves))} == {
        (level, index) for level, index in tree.nodes if _is_peak(level, index, len(leaves))
    }


def _is_peak(level: int, index: int, size: int) -> bool:
    return bool(size >> level & 1) and index == (size >> (level + 1)) << 1


@given(leaf_lists, st.data())
def test_every_inclusion_proof_verifies_and_no_other_leaf_does(
    leaves: list[bytes], data: st.DataObject
) -> None:
    size = data.draw(st.integers(1, len(leaves)))
    index = data.draw(st.integers(0, size - 1))
    tree = StoredTree(leaves)
    proof = tree.proof(inclusion_ranges(index, size))
    top = root(leaves[:size])
    assert verify_inclusion(index, size, leaves[index], proof, top)
    assert not verify_inclusion(index, size, leaf_hash(b"forged"), proof, top)
    if size > 1:
        other = (index + 1) % size
        assert not verify_inclusion(other, size, leaves[index], proof, top)
        assert not verify_inclusion(index, size, leaves[index], proof[:-1], top)


@given(leaf_lists, st.data())
def test_every_consistency_proof_verifies_and_a_rewritten_past_does_not(
    leaves: list[bytes], data: st.DataObject
) -> None:
    new = data.draw(st.integers(1, len(leaves)))
    old = data.draw(st.integers(1, new))
    proof = StoredTree(leaves).proof(consistency_ranges(old, new))
    old_root, new_root = root(leaves[:old]), root(leaves[:new])
    assert verify_consistency(old, new, old_root, new_root, proof)
    rewritten = [leaf_hash(b"rewritten"), *leaves[1:new]]
    assert not verify_consistency(old, new, root(rewritten[:old]), new_root, proof)
    if old < new:
        assert not verify_consistency(old, new, old_root, root(rewritten), proof)
        assert not verify_consistency(old, new, old_root, new_root, proof[:-1])
