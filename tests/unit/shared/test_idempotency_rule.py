"""The fingerprint and replay rule every service's idempotency keys share."""

import pytest

from lotledger.shared.errors import Conflict
from lotledger.shared.idempotency import StoredResponse, fingerprint, replay


def test_a_fingerprint_ignores_key_order_and_whitespace_only() -> None:
    one = fingerprint("POST", "/v1/picks", b'{"qty": 1, "lot": "A"}')
    assert one == fingerprint("POST", "/v1/picks", b'{ "lot":"A","qty":1 }')
    assert one != fingerprint("POST", "/v1/picks", b'{"qty": 2, "lot": "A"}')
    assert one != fingerprint("POST", "/v1/moves", b'{"qty": 1, "lot": "A"}')
    assert one != fingerprint("PUT", "/v1/picks", b'{"qty": 1, "lot": "A"}')


def test_a_body_that_is_not_json_is_fingerprinted_as_sent() -> None:
    assert fingerprint("POST", "/x", b"not json") != fingerprint("POST", "/x", b"not  json")
    assert fingerprint("POST", "/x", b"") == fingerprint("POST", "/x", b"null")


def test_a_key_replays_only_the_request_that_stored_it() -> None:
    stored = StoredResponse(fingerprint("POST", "/x", b"{}"), 201, b'{"id": 1}')
    assert replay(stored, fingerprint("POST", "/x", b" { } ")) is stored
    for other in (fingerprint("POST", "/x", b"[]"), None):
        with pytest.raises(Conflict) as refused:
            replay(stored, other)
        assert refused.value.field == "Idempotency-Key"
