"""TRTC's callback signature: ``Sign = Base64(HMAC-SHA256(key, raw body))``.

Pure: bytes in, a string or a bool out. The key is the console's callback key
taken as-is (its UTF-8 bytes, no decoding); the body is exactly the bytes that
were sent, never a re-serialisation of the JSON.
"""

from __future__ import annotations

import base64
import hashlib
import hmac


def sign(body: bytes, key: str) -> str:
    digest = hmac.new(key.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(body: bytes, signature: str | None, key: str) -> bool:
    """True only for the exact signature of ``body``; compared in constant time."""
    if not signature or not key:
        return False
    expected = sign(body, key).encode("ascii")
    # compare_digest on bytes: a non-ASCII header cannot raise, it just fails.
    return hmac.compare_digest(expected, signature.strip().encode("utf-8", "replace"))
