"""The deployment's bearer tokens: fresh ones are long and random, a token is read without its whitespace, and a
short one is refused with an error that names the file and never the token."""

from __future__ import annotations

import pytest

from scms.deployment import DeploymentError
from scms.deployment.tokens import MIN_TOKEN_LENGTH, new_token, read_token


def test_new_tokens_are_256_random_bits_in_url_safe_text() -> None:
    made = {new_token() for _ in range(50)}
    assert len(made) == 50
    for token in made:
        assert token.endswith(b"\n") and len(token) == 44
        assert token[:-1].decode().replace("-", "").replace("_", "").isalnum()
        assert read_token(token, name="t") == token[:-1]


def test_a_token_is_read_without_its_whitespace_and_a_short_one_is_refused() -> None:
    token = b"a-token-of-twenty-four-c"
    assert read_token(b"  " + token + b"\r\n", name="ra/secrets/operator-token") == token
    assert read_token(b"x" * MIN_TOKEN_LENGTH, name="t") == b"x" * MIN_TOKEN_LENGTH
    short = b"y" * (MIN_TOKEN_LENGTH - 1)
    with pytest.raises(DeploymentError) as refused:
        read_token(b"   " + short + b"   \n", name="la1/secrets/release-token")
    assert str(refused.value) == f"la1/secrets/release-token: the token must have {MIN_TOKEN_LENGTH} characters or more"
    assert short.decode() not in str(refused.value)
