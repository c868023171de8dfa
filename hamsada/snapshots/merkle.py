"""Merkle trees exactly as RFC 9162 (Certificate Transparency 2.0), section 2.1,
defines them, so that anyone can recompute a root with a few lines of their own:

    leaf hash   SHA-256(0x00 || entry)
    node hash   SHA-256(0x01 || left || right)
    empty tree  SHA-256("")

A tree of n leaves splits at the largest power of two below n; built bottom up,
that is: hash neighbours in pairs, left to right, and carry an unpaired last
node up a level unchanged. No Django here: `hamsada verify` runs offline.
"""

import hashlib


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def leaf_hash(entry: bytes) -> bytes:
    return sha256(b"\x00" + entry)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def _up(level: list[bytes]) -> list[bytes]:
    parents = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
    if len(level) % 2:
        parents.append(level[-1])
    return parents


def root(entries: list[bytes]) -> bytes:
    if not entries:
        return sha256(b"")
    level = [leaf_hash(entry) for entry in entries]
    while len(level) > 1:
        level = _up(level)
    return level[0]


def inclusion_proof(entries: list[bytes], index: int) -> list[bytes]:
    """The audit path of entries[index]: the sibling hashes from the leaf up."""
    if not 0 <= index < len(entries):
        raise IndexError(index)
    level = [leaf_hash(entry) for entry in entries]
    path = []
    while len(level) > 1:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        level = _up(level)
        index //= 2
    return path


def verify_inclusion(entry: bytes, index: int, size: int, path: list[bytes], root_hash: bytes):
    """RFC 9162, section 2.1.3.2, step by step."""
    if not 0 <= index < size:
        return False
    fn, sn, result = index, size - 1, leaf_hash(entry)
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root_hash
