"""One masking rule for stream URLs: no key or token survives it (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.trtc.masking import MASK, host_of, mask_text, mask_url

# Secrets are long and distinctive, so finding one in the output is never a coincidence.
secret = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789", min_size=12)
host = st.from_regex(r"[a-z]{1,10}(\.[a-z]{2,8}){1,3}", fullmatch=True)
app = st.from_regex(r"[a-z]{1,8}", fullmatch=True)
token_names = st.sampled_from(
    ["txSecret", "txTime", "sign", "token", "key", "auth", "auth_key", "Signature", "x"]
)


@given(host, app, secret)
def test_rtmp_stream_key_is_masked(h: str, a: str, key: str) -> None:
    masked = mask_url(f"rtmp://{h}/{a}/{key}")
    assert key not in masked
    assert masked == f"rtmp://{h}/{a}/{MASK}"


@given(
    st.sampled_from(["rtmp", "https", "http", "srt"]),
    host,
    st.lists(st.tuples(token_names, secret), min_size=1, max_size=4),
)
def test_every_query_value_is_masked(scheme: str, h: str, pairs: list[tuple[str, str]]) -> None:
    query = "&".join(f"{name}={value}" for name, value in pairs)
    masked = mask_url(f"{scheme}://{h}/live/stream.flv?{query}")
    assert all(value not in masked for _, value in pairs)
    assert h in masked and all(f"{name}={MASK}" in masked for name, _ in pairs)


@given(host, secret, secret)
def test_userinfo_is_masked(h: str, user: str, password: str) -> None:
    masked = mask_url(f"https://{user}:{password}@{h}/pull/stream.m3u8")
    assert user not in masked and password not in masked
    assert masked.startswith(f"https://{MASK}@{h}/")


@given(host, app, secret, secret)
def test_masking_is_stable_and_idempotent(h: str, a: str, key: str, token: str) -> None:
    url = f"rtmp://{h}/{a}/{key}?txSecret={token}"
    assert mask_url(url) == mask_url(url)
    assert mask_url(mask_url(url)) == mask_url(url)
    assert host_of(url) == h


@given(st.text(max_size=40), host, secret, secret)
def test_urls_in_free_text_are_masked(words: str, h: str, key: str, token: str) -> None:
    text = f'relay start 1234 --url "rtmp://{h}/live/{key}?token={token}" {words}'
    masked = mask_text(text)
    assert key not in masked.replace(words, "") and token not in masked.replace(words, "")
    assert masked.startswith(f'relay start 1234 --url "rtmp://{h}/live/{MASK}?token={MASK}"')


def test_what_is_not_a_url_says_nothing() -> None:
    assert mask_url("not a url") == MASK
    assert mask_url("rtmp://[bad") == MASK
    assert mask_url("rtmp://h.example.com/live/key/#frag") == "rtmp://h.example.com/live/***/"
