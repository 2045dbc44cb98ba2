"""chalicelib.platform.dns: which resolver the settings choose, and the local records file."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalicelib.platform.dns import DnsResolver, RecordsFile, txt_resolver


def test_the_records_file_answers_what_was_published_there(tmp_path: Path) -> None:
    # given a record published in a fresh file
    records = RecordsFile(tmp_path / "dns" / "records.json")
    records.publish("_kontor-challenge.Shop.acme.de", "kontor-verification=abc")

    # when another reader of the same file looks the name up
    found = RecordsFile(tmp_path / "dns" / "records.json").txt("_kontor-challenge.shop.acme.de.")

    # then it sees the record
    assert found == ["kontor-verification=abc"]


def test_publishing_keeps_the_other_values_and_each_value_once(tmp_path: Path) -> None:
    # given
    records = RecordsFile(tmp_path / "records.json")
    records.publish("_kontor-challenge.shop.acme.de", "v=spf1 -all")
    records.publish("_kontor-challenge.shop.acme.de", "kontor-verification=abc")

    # when the same value is published again
    records.publish("_kontor-challenge.shop.acme.de", "kontor-verification=abc")

    # then
    assert records.txt("_kontor-challenge.shop.acme.de") == ["v=spf1 -all", "kontor-verification=abc"]


def test_an_unknown_name_or_a_missing_file_has_no_records(tmp_path: Path) -> None:
    # then
    assert RecordsFile(tmp_path / "absent.json").txt("_kontor-challenge.shop.acme.de") == []


def test_the_settings_choose_the_records_file_when_they_name_one(
    fresh_settings: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given
    fresh_settings.setenv("KONTOR_DNS_RECORDS_FILE", str(tmp_path / "records.json"))

    # when
    resolver = txt_resolver()

    # then
    assert isinstance(resolver, RecordsFile)
    assert resolver.path == tmp_path / "records.json"


def test_without_a_records_file_the_resolver_is_real_dns(fresh_settings: pytest.MonkeyPatch) -> None:
    # given
    fresh_settings.delenv("KONTOR_DNS_RECORDS_FILE", raising=False)

    # when / then
    assert isinstance(txt_resolver(), DnsResolver)
