"""Errors raised while reading a policy file.

    Exception
     └── PolicyError    an invalid policy file or CAM document; names the file, the
                        policy, the statement index (0-based) and the field

A denial is never an exception: it is a `Decision` value (see `decision.py`).
"""

from __future__ import annotations


class PolicyError(Exception):
    """A policy file or CAM policy document that we refuse to use."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        policy: str | None = None,
        statement: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.policy = policy
        self.statement = statement
        self.field = field

    def located(
        self,
        *,
        file: str | None = None,
        policy: str | None = None,
        statement: int | None = None,
        field_prefix: str | None = None,
    ) -> PolicyError:
        """A copy with the location filled in where this error did not know it yet."""
        field = self.field
        if field_prefix is not None:
            field = field_prefix if field is None else f"{field_prefix}.{field}"
        return PolicyError(
            self.message,
            file=self.file if self.file is not None else file,
            policy=self.policy if self.policy is not None else policy,
            statement=self.statement if self.statement is not None else statement,
            field=field,
        )

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.policy is not None:
            where.append(f"policy {self.policy!r}")
        if self.statement is not None:
            where.append(f"statement[{self.statement}]")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        return ": ".join([*where, self.message])


def shown(value: object, limit: int = 80) -> str:
    """A short repr of untrusted input for an error message; never raises."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):  # an integer beyond Python's 4,300 digits
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else f"{text[: limit - 3]}..."
