"""The Merkle tree against the published RFC 6962 / RFC 9162 test vectors."""

import pytest

from hamsada.snapshots import merkle

# The reference inputs and the roots of the first n of them (n = 0..8).
INPUTS = [bytes.fromhex(h) for h in ["", "00", "10", "2021", "3031", "40414243",
          "5051525354555657", "606162636465666768696a6b6c6d6e6f"]]  # fmt: skip
ROOTS = [
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
# Reference audit paths: (index, tree size, path).
PATHS = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (0, 1, []),
]  # fmt: skip


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_reference_vectors(size):
    assert merkle.root(INPUTS[:size]).hex() == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), PATHS)
def test_inclusion_proofs_match_the_reference_vectors(index, size, path):
    proof = merkle.inclusion_proof(INPUTS[:size], index)
    assert [h.hex() for h in proof] == path
    root = bytes.fromhex(ROOTS[size])
    assert merkle.verify_inclusion(INPUTS[index], index, size, proof, root)


ENTRIES = [bytes([n]) * 32 for n in range(21)]


@pytest.mark.parametrize("size", range(1, 22))
def test_every_entry_of_every_tree_proves_its_inclusion_and_no_other_does(size):
    entries = ENTRIES[:size]
    root = merkle.root(entries)
    for index, entry in enumerate(entries):
        proof = merkle.inclusion_proof(entries, index)
        assert merkle.verify_inclusion(entry, index, size, proof, root)
        assert not merkle.verify_inclusion(b"\xff" * 32, index, size, proof, root)
        if size > 1:
            assert not merkle.verify_inclusion(entry, (index + 1) % size, size, proof, root)
            assert not merkle.verify_inclusion(entry, index, size, proof[:-1], root)


def test_a_proof_for_a_place_outside_the_tree_is_refused():
    with pytest.raises(IndexError):
        merkle.inclusion_proof(ENTRIES[:3], 3)
    assert not merkle.verify_inclusion(ENTRIES[0], 3, 3, [], merkle.root(ENTRIES[:3]))
