"""The price table that turns minutes into money: the operator's, never guessed.

``TRTC_CHATOPS_PRICES`` names a YAML or JSON file::

    currency: USD
    per_thousand_minutes:     # price per 1,000 minutes, by type
      Audio: 0.99
      HD: 3.99
      Recording: 0.50

Types are those of the usage report (Audio, SD, HD, FullHD, 2K, 4K, Recording,
Mixing). A type without a price is shown as minutes only, and said so: list prices
vary by site, contract and date (trtc-server-api-2.md §8), so none is assumed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.usage.report import TYPES

HOW_TO = (
    "Minutes only: to see cost, set TRTC_CHATOPS_PRICES to a YAML or JSON file with "
    "`currency` and `per_thousand_minutes` by type (Audio, SD, HD, FullHD, 2K, 4K, "
    "Recording, Mixing), from your contract or the price page."
)


class PriceError(ValueError):
    """A price file that cannot be used; the message names the file and the field."""


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    currency: str = Field(min_length=1, max_length=8)
    per_thousand_minutes: dict[str, float]

    @field_validator("per_thousand_minutes")
    @classmethod
    def _known(cls, value: dict[str, float]) -> dict[str, float]:
        canonical = {t.lower(): t for t in TYPES}
        out: dict[str, float] = {}
        for name, price in value.items():
            kind = canonical.get(name.lower())
            if kind is None:
                raise ValueError(f"unknown type {name!r}; known: {', '.join(TYPES)}")
            if price < 0:
                raise ValueError(f"{name}: a price cannot be negative")
            out[kind] = price
        return out


@dataclass(frozen=True, slots=True)
class Prices:
    currency: str
    per_thousand: Mapping[str, float]

    def cost(self, kind: str, minutes: float) -> float | None:
        price = self.per_thousand.get(kind)
        return None if price is None else minutes / 1000 * price

    def missing(self, kinds: list[str]) -> list[str]:
        return [k for k in kinds if k not in self.per_thousand]

    def money(self, amount: float) -> str:
        return f"{amount:,.2f} {self.currency}"


def load_prices(path: str | Path) -> Prices:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
        data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
        parsed = _File.model_validate(data)
    except OSError as err:
        raise PriceError(f"{file}: cannot read the price table: {err.strerror}") from None
    except (json.JSONDecodeError, yaml.YAMLError) as err:
        raise PriceError(f"{file}: not valid {file.suffix or 'YAML'}: {err}") from None
    except ValidationError as err:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in err.errors()
        )
        raise PriceError(f"{file}: invalid price table: {where}") from None
    return Prices(parsed.currency, dict(parsed.per_thousand_minutes))
