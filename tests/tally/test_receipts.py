import hashlib
import re

from hamsada.tally.receipts import new_receipt, normalise, receipt_hash


def test_a_receipt_is_twenty_unambiguous_characters_in_groups_of_four():
    code, hashed = new_receipt()
    assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){4}[0-9A-HJKMNP-TV-Z]{4}", code)
    assert hashed == hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    assert len({new_receipt()[0] for _ in range(1000)}) == 1000


def test_a_code_is_read_back_however_it_was_typed():
    code, hashed = new_receipt()
    assert receipt_hash(code.lower().replace("-", " ")) == hashed
    assert normalise("o1l2-iiii-0000-abcd-efgh") == "011211110000ABCDEFGH"
    assert normalise("۷KQ۲-M9XD-3F8H-TW4B-N6CR") == "7KQ2M9XD3F8HTW4BN6CR"


def test_what_cannot_be_a_code_is_refused():
    for text in ["", "too-short", "7KQ2-M9XD-3F8H-TW4B-N6CR-X", "7KQ2-M9XD-3F8H-TW4B-N6CU"]:
        assert normalise(text) is None
