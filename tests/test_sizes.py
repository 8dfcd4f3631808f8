from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ssdmigrate.sizes import SizeError, gb, human, parse_size


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("750M", 750_000_000),
        ("750MB", 750_000_000),
        ("1.5G", 1_500_000_000),
        ("10g", 10_000_000_000),
        ("650002432B", 650_002_432),
        ("650002432b", 650_002_432),
        ("650002432", 650_002_432),
        ("1Ki", 1024),
        ("716Mi", 716 * 2**20),
        ("2Gi", 2 * 2**30),
        ("0.5T", 500_000_000_000),
        ("1269536S", 650_002_432),  # 512-byte sectors: the CLCMacTeam figure
        (" 750M ", 750_000_000),
    ],
)
def test_sizes_in_diskutils_grammar(text: str, expected: int) -> None:
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("R", "depends on the disk"),
        ("r", "depends on the disk"),
        ("75%", "depends on the disk"),
        ("DBS", "depends on the disk"),
        ("0", "more than zero"),
        ("0B", "more than zero"),
        ("0.1Ki", "whole number of bytes"),
        ("1.5X", "not a size"),
        ("750 apples", "not a size"),
        ("-750M", "not a size"),
        ("", "not a size"),
        ("1e9", "not a size"),
    ],
)
def test_sizes_that_cannot_size_a_recovery_hd_are_refused(text: str, says: str) -> None:
    with pytest.raises(SizeError, match=says):
        parse_size(text)


def test_a_size_error_is_a_usage_problem_with_exit_2() -> None:
    with pytest.raises(SizeError) as caught:
        parse_size("R")
    assert int(caught.value.exit_code) == 2


@pytest.mark.parametrize(
    ("size", "shown"),
    [
        (650_002_432, "650.0 MB"),  # "Recovery HD 650.0 MB" in capture 22
        (209_715_200, "209.7 MB"),  # EFI, captures 01 and 09
        (500_107_862_016, "500.1 GB"),
        (120_034_123_776, "120.0 GB"),
        (999_960_000_000, "1.0 TB"),  # rounds up into the next unit
        (512, "512 B"),
        (None, "unknown size"),
    ],
)
def test_human_sizes_read_like_diskutil(size: int | None, shown: str) -> None:
    assert human(size) == shown


@given(st.integers(min_value=1, max_value=10**13))
def test_whole_bytes_round_trip_through_the_b_suffix(size: int) -> None:
    assert parse_size(f"{size}B") == size
    assert parse_size(str(size)) == size


def test_gb_keeps_sizes_in_one_unit() -> None:
    assert gb(82_341_412_864) == "82.3 GB"
    assert gb(650_002_432) == "0.7 GB"
