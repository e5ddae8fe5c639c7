"""TRTC_CHATOPS_RECORDING_STORAGE: the API's StorageParams, checked at start-up in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings
from bot.storage_params import describe_storage, parse_storage

NAME = "TRTC_CHATOPS_RECORDING_STORAGE"
COS = {
    "CloudStorage": {
        "Vendor": 0,
        "Region": "ap-shanghai",
        "Bucket": "evidence-1250000000",
        "AccessKey": "AKIDcos",
        "SecretKey": "sEcReT-value-42",
        "FileNamePrefix": ["incidents"],
    }
}


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.chdir(tmp_path)


def test_cos_storage_is_read_and_described_without_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """A COS configuration is accepted; people see bucket, prefix and region, no key."""
    monkeypatch.setenv(NAME, json.dumps(COS))
    settings = load_settings()
    assert settings.recording_storage == COS
    where = describe_storage(COS)
    assert where == "Tencent COS bucket evidence-1250000000/incidents/<TaskId>/ in ap-shanghai"
    assert "sEcReT" not in repr(settings)


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("not json", "is not JSON"),
        ("[]", "must be a JSON object"),
        ("{}", "exactly one of CloudVod"),
        (json.dumps({**COS, "CloudVod": {"TencentVod": {}}}), "exactly one of CloudVod"),
        (json.dumps({"CloudStorage": {**COS["CloudStorage"], "Vendor": 7}}), "Vendor must be"),
        (
            json.dumps(
                {"CloudStorage": {k: v for k, v in COS["CloudStorage"].items() if k != "Bucket"}}
            ),
            "CloudStorage.Bucket is missing",
        ),
    ],
)
def test_bad_storage_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, value: str, says: str
) -> None:
    """Each bad value stops start-up with one line naming the variable, never the secret."""
    monkeypatch.setenv(NAME, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert NAME in message and says in message
    assert "sEcReT" not in message
    assert len(message.splitlines()) == 2  # the header and the one line


def test_vod_storage_needs_no_keys() -> None:
    """{"CloudVod": {"TencentVod": {}}} is complete: VOD stores in the account itself."""
    assert parse_storage('{"CloudVod": {"TencentVod": {}}}') == {"CloudVod": {"TencentVod": {}}}
