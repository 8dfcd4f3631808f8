"""`verify` on real folders: each kind of difference, the CLI, and a model test
that checks the engine against a naive comparison written in the test."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import shutil
import socket
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ssdmigrate.cli import cli, run_cli
from ssdmigrate.exits import Exit
from ssdmigrate.verify import (
    DEFAULT_EXCLUDES,
    VerifyFailed,
    VerifyOptions,
    VerifyResult,
    build_excludes,
    compare_trees,
)
from ssdmigrate.verify_content import FilePair, Sampler
from ssdmigrate.verify_meta import same_mtime
from ssdmigrate.verify_progress import Progress
from ssdmigrate.verify_result import VerifyStats, render_text
from tests.conftest import cli_runner

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
T0 = 1_600_000_000_123_456_789  # a modification time with nanoseconds


# --- building and cloning trees -------------------------------------------


def write(path: Path, data: bytes = b"data", mtime: int = T0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, ns=(mtime, mtime))
    return path


def clone(
    src: Path, dst: Path, links: dict[tuple[int, int], Path] | None = None
) -> None:
    """Copy everything `verify` looks at: a reference copier for the tests."""
    links = {} if links is None else links
    dst.mkdir(exist_ok=True)
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        _clone_entry(Path(entry.path), dst / entry.name, links)
    _copy_meta(src, dst)


def _clone_entry(src: Path, dst: Path, links: dict[tuple[int, int], Path]) -> None:
    info = src.lstat()
    key = (info.st_dev, info.st_ino)
    if stat.S_ISDIR(info.st_mode):
        clone(src, dst, links)
        return
    if key in links:
        os.link(links[key], dst, follow_symlinks=False)
        return
    links[key] = dst
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(src), dst)
    elif stat.S_ISFIFO(info.st_mode):
        os.mkfifo(dst)
    else:
        shutil.copyfile(src, dst)
    _copy_meta(src, dst)


def _copy_meta(src: Path, dst: Path) -> None:
    info = src.lstat()
    if IS_ROOT:
        os.chown(dst, info.st_uid, info.st_gid, follow_symlinks=False)
    if not stat.S_ISLNK(info.st_mode):
        os.chmod(dst, stat.S_IMODE(info.st_mode))
    for name in _xattr_names(src):
        value = os.getxattr(src, name, follow_symlinks=False)
        os.setxattr(dst, name, value, follow_symlinks=False)
    os.utime(dst, ns=(info.st_atime_ns, info.st_mtime_ns), follow_symlinks=False)


def _xattr_names(path: Path) -> list[str]:
    try:
        return os.listxattr(path, follow_symlinks=False)
    except (AttributeError, OSError):
        return []


@contextlib.contextmanager
def kept_mtime(*paths: Path) -> Iterator[None]:
    """Put back the modification times that a change inside changed."""
    saved = [(p, p.lstat().st_mtime_ns) for p in paths]
    yield
    for path, mtime in saved:
        os.utime(path, ns=(mtime, mtime), follow_symlinks=False)


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, Path]:
    """A small source tree of every kind of entry, and an exact clone of it."""
    src, dst = tmp_path / "src", tmp_path / "dst"
    write(src / "a.txt", b"alpha")
    write(src / "docs" / "b.txt", b"bravo" * 100)
    write(src / "docs" / "deep" / "c.bin", bytes(range(256)) * 40)
    os.symlink("docs/b.txt", src / "link")
    os.utime(src / "link", ns=(T0, T0), follow_symlinks=False)
    os.link(src / "a.txt", src / "docs" / "a-hardlink")
    for folder in (src / "docs" / "deep", src / "docs", src):
        os.utime(folder, ns=(T0, T0))
    clone(src, dst)
    return src, dst


def run(src: Path, dst: Path, mode: str = "metadata", **kw: object) -> VerifyResult:
    options = VerifyOptions(mode=mode, **kw)  # type: ignore[arg-type]
    return compare_trees(src, dst, options)


def fields(result: VerifyResult) -> set[tuple[str, str]]:
    return {(d.path, d.field) for d in result.metadata}


def xattrs_supported(path: Path) -> bool:
    probe = path / ".xattr-probe"
    probe.write_bytes(b"")
    try:
        os.setxattr(probe, "user.probe", b"1")
    except (AttributeError, OSError):
        return False
    finally:
        probe.unlink()
    return True


# --- each kind of difference ----------------------------------------------


def test_a_clone_matches(trees: tuple[Path, Path]) -> None:
    result = run(*trees, mode="full")
    assert result.match
    assert result.stats.entries == 7
    assert result.stats.files_compared == 4
    assert result.stats.bytes_compared == 5 + 500 + 10240 + 5


def test_missing_file_and_folder(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    with kept_mtime(dst, dst / "docs"):
        (dst / "docs" / "b.txt").unlink()
        shutil.rmtree(dst / "docs" / "deep")
    result = run(src, dst)
    # A missing folder is listed once, not with each file in it.
    assert result.missing == ["docs/b.txt", "docs/deep"]
    assert (result.extra, result.metadata, result.content) == ([], [], [])


def test_extra_entries(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    with kept_mtime(dst, dst / "docs"):
        write(dst / "new.txt")
        (dst / "docs" / "newdir").mkdir()
    result = run(src, dst)
    assert result.extra == ["docs/newdir", "new.txt"]
    assert not result.missing and not result.metadata


def test_same_size_other_byte_is_content(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    target = dst / "docs" / "deep" / "c.bin"
    data = bytearray(target.read_bytes())
    data[5000] ^= 1
    write(target, bytes(data))
    assert run(src, dst).match  # metadata alone cannot see it
    result = run(src, dst, mode="full")
    assert result.content == ["docs/deep/c.bin"]
    assert not result.metadata


def test_size(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    write(dst / "docs" / "b.txt", b"bravo" * 101)
    result = run(src, dst, mode="full")
    assert [(d.field, d.source, d.target) for d in result.metadata] == [
        ("size", 500, 505)
    ]
    assert result.content == []  # sizes differ: no byte comparison


def test_mode(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    os.chmod(dst / "docs" / "b.txt", 0o600)
    os.chmod(src / "docs" / "b.txt", 0o644)
    os.chmod(dst / "docs", 0o700)
    os.chmod(src / "docs", 0o755)
    result = run(src, dst)
    assert sorted((d.path, d.field, d.source, d.target) for d in result.metadata) == [
        ("docs", "mode", "0755", "0700"),
        ("docs/b.txt", "mode", "0644", "0600"),
    ]


def test_mtime_to_the_nanosecond(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    os.utime(dst / "a.txt", ns=(T0, T0 + 1))
    result = run(src, dst)
    assert [(d.path, d.field, d.source, d.target) for d in result.metadata] == [
        ("a.txt", "mtime", T0, T0 + 1),
        # a.txt is hard-linked: the link is the same file.
        ("docs/a-hardlink", "mtime", T0, T0 + 1),
    ]


def test_whole_seconds_on_one_side_compare_to_the_second() -> None:
    second = 1_000_000_000
    assert same_mtime(5 * second + 123, 5 * second)
    assert not same_mtime(5 * second + 123, 6 * second)
    assert not same_mtime(5 * second + 123, 5 * second + 124)


@pytest.mark.skipif(not IS_ROOT, reason="changing a file's owner needs root")
def test_owner_and_group(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    os.chown(dst / "docs" / "b.txt", 501, 20)
    os.chown(dst / "link", 501, -1, follow_symlinks=False)
    result = run(src, dst)
    assert sorted((d.path, d.field, d.target) for d in result.metadata) == [
        ("docs/b.txt", "group", 20),
        ("docs/b.txt", "owner", 501),
        ("link", "owner", 501),
    ]


def test_symlink_target(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    with kept_mtime(dst):
        (dst / "link").unlink()
        os.symlink("docs/other", dst / "link")
        os.utime(dst / "link", ns=(T0, T0), follow_symlinks=False)
    result = run(src, dst)
    assert [(d.path, d.field, d.source, d.target) for d in result.metadata] == [
        ("link", "symlink", "docs/b.txt", "docs/other")
    ]


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: p.mkdir(), "dir"),
        (lambda p: os.symlink("a.txt", p), "symlink"),
        (lambda p: os.mkfifo(p), "fifo"),
    ],
)
def test_type_change(trees: tuple[Path, Path], make: object, kind: str) -> None:
    src, dst = trees
    with kept_mtime(dst / "docs"):
        (dst / "docs" / "b.txt").unlink()
        make(dst / "docs" / "b.txt")  # type: ignore[operator]
    result = run(src, dst, mode="full")
    assert [(d.path, d.field, d.source, d.target) for d in result.metadata] == [
        ("docs/b.txt", "type", "file", kind)
    ]
    assert not result.missing and not result.extra and not result.content


def test_folder_replaced_by_file_hides_its_contents(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    with kept_mtime(dst / "docs"):
        shutil.rmtree(dst / "docs" / "deep")
        write(dst / "docs" / "deep")
    result = run(src, dst)
    assert fields(result) == {("docs/deep", "type")}
    assert result.missing == []


def test_hard_link_broken_in_the_clone(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    with kept_mtime(dst / "docs"):
        (dst / "docs" / "a-hardlink").unlink()
        write(dst / "docs" / "a-hardlink", b"alpha")
    result = run(src, dst, mode="full")
    assert [(d.path, d.field, d.source, d.target) for d in result.metadata] == [
        ("docs/a-hardlink", "hardlink", "a.txt", None)
    ]
    assert result.content == []


def test_hard_link_made_in_the_clone(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    write(src / "one", b"same")
    write(src / "two", b"same")
    os.utime(src, ns=(T0, T0))
    shutil.rmtree(dst)
    clone(src, dst)
    with kept_mtime(dst):
        (dst / "two").unlink()
        os.link(dst / "one", dst / "two")
    result = run(src, dst)
    assert [(d.path, d.field, d.source, d.target) for d in result.metadata] == [
        ("two", "hardlink", None, "one")
    ]


def test_extended_attributes(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    if not xattrs_supported(src):
        pytest.skip("this file system keeps no extended attributes")
    os.setxattr(src / "a.txt", "user.color", b"red")
    os.setxattr(dst / "a.txt", "user.color", b"blue")
    os.setxattr(dst / "docs", "user.extra", b"x")
    result = run(src, dst)
    assert sorted((d.path, d.field, d.source, d.target) for d in result.metadata) == [
        ("a.txt", "xattr:user.color", "red (3 bytes)", "blue (4 bytes)"),
        ("docs", "xattr:user.extra", None, "x (1 bytes)"),
        ("docs/a-hardlink", "xattr:user.color", "red (3 bytes)", "blue (4 bytes)"),
    ]


def test_fifo_and_socket_are_compared_not_opened(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    src.mkdir()
    os.mkfifo(src / "pipe")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(src / "sock"))
        clone_socket_tree(src, dst)
        result = run(src, dst, mode="full")
    assert result.match, result


def clone_socket_tree(src: Path, dst: Path) -> None:
    dst.mkdir()
    os.mkfifo(dst / "pipe")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(dst / "sock"))
    for name in ("pipe", "sock"):
        _copy_meta(src / name, dst / name)
    _copy_meta(src, dst)


# --- what cannot be read --------------------------------------------------


@contextlib.contextmanager
def as_nobody() -> Iterator[None]:
    os.seteuid(65534)
    try:
        yield
    finally:
        os.seteuid(0)


@pytest.fixture
def open_trees() -> Iterator[tuple[Path, Path]]:
    """A clone pair that another user can reach (pytest's tmp_path is 0700)."""
    base = Path(tempfile.mkdtemp(prefix="verify-"))
    os.chmod(base, 0o755)
    src, dst = base / "src", base / "dst"
    write(src / "open.txt", b"open")
    write(src / "secret.txt", b"secret")
    write(src / "closed" / "inside.txt", b"inside")
    os.chmod(src / "secret.txt", 0o600)
    os.chmod(src / "closed", 0o700)
    clone(src, dst)
    yield src, dst
    shutil.rmtree(base)


@pytest.mark.skipif(not IS_ROOT, reason="needs root to act as another user")
def test_unreadable_file_and_folder_are_errors(
    open_trees: tuple[Path, Path],
) -> None:
    with as_nobody():
        result = run(*open_trees, mode="full")
    assert [(e.path, e.error.split(":")[0]) for e in result.errors] == [
        ("closed", "Permission denied"),
        ("secret.txt", "Permission denied"),
    ]
    assert not result.differs and not result.match


@pytest.mark.skipif(not IS_ROOT, reason="needs root to act as another user")
def test_unreadable_is_exit_1_with_the_list(
    open_trees: tuple[Path, Path], tmp_path: Path
) -> None:
    src, dst = open_trees
    args = [
        "verify",
        "--source",
        str(src),
        "--target",
        str(dst),
        "--json",
        "--mode",
        "full",
    ]
    with as_nobody():
        result = invoke(tmp_path, *args)
    assert result.exit_code == 1
    assert [e["path"] for e in json.loads(result.stdout)["errors"]] == [
        "closed",
        "secret.txt",
    ]


def test_file_that_changes_while_compared(
    trees: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    src, dst = trees
    growing = str(src / "docs" / "b.txt")
    real_open = os.open

    def open_then_append(path: str, flags: int, *args: object, **kw: object) -> int:
        fd = real_open(path, flags, *args, **kw)  # type: ignore[arg-type]
        if path == growing:  # a live system writes to it as it is read
            with open(growing, "ab") as handle:
                handle.write(b"more")
        return fd

    monkeypatch.setattr(os, "open", open_then_append)
    result = run(src, dst, mode="full")
    assert [(e.path, e.error) for e in result.errors] == [
        (
            "docs/b.txt",
            "changed during the comparison (size or modification time moved)",
        )
    ]
    assert result.content == []


# --- exclusions -----------------------------------------------------------


def test_default_excludes_hide_what_macos_changes(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    write(src / "private" / "var" / "log" / "system.log", b"old")
    write(src / "Users" / "ann" / "Library" / "Caches" / "x", b"old")
    write(src / "Users" / "ann" / "notes.txt", b"keep")
    clone(src, dst)
    write(dst / "private" / "var" / "log" / "system.log", b"newer")
    write(dst / "private" / "var" / "vm" / "sleepimage", b"x")
    write(dst / "Users" / "ann" / "Library" / "Caches" / "x", b"new")
    for folder in ("private/var", "private/var/log", "Users/ann/Library/Caches"):
        os.utime(dst / folder, ns=(T0, T0))
        os.utime(src / folder, ns=(T0, T0))
    excludes = build_excludes(())
    assert run(src, dst, mode="full", excludes=excludes).match
    assert not run(src, dst, mode="full").match


def test_user_excludes_are_globs(trees: tuple[Path, Path]) -> None:
    src, dst = trees
    with kept_mtime(dst, dst / "docs", dst / "docs" / "deep"):
        write(dst / "docs" / "deep" / "x.tmp")
        write(dst / "y.tmp")
        write(dst / "docs" / "c.log")
    result = run(src, dst, excludes=build_excludes(["*.tmp"], defaults=False))
    assert result.extra == ["docs/c.log"]
    assert result.stats.excluded == 2
    result = run(src, dst, excludes=build_excludes(["/docs/*.log", "**/x.tmp"]))
    assert result.extra == ["y.tmp"]


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("/dev", "dev", True),
        ("/dev", "Users/ann/dev", False),
        ("*.tmp", "a/b/c.tmp", True),
        ("/Users/*/Library/Caches", "Users/ann/Library/Caches/x/y", True),
        ("/Users/*/Library/Caches", "Users/ann/x/Library/Caches", False),
        ("a/**/z", "a/b/c/z", True),
        ("file[0-9]", "file7", True),
        ("file[!0-9]", "file7", False),
        ("docs/", "docs", True),
    ],
)
def test_exclude_matching_rule(pattern: str, path: str, hit: bool) -> None:
    assert build_excludes([pattern], defaults=False).matches(path) is hit


# --- sampling -------------------------------------------------------------


def pairs(sizes: list[int]) -> list[FilePair]:
    return [FilePair(f"f{i}", "", "", size, 0, 0) for i, size in enumerate(sizes)]


def test_sample_is_repeatable_with_its_seed() -> None:
    def chosen(seed: int) -> list[str]:
        sampler = Sampler(5, seed)
        for pair in pairs([100] * 50):
            sampler.offer(pair)
        return [p.rel for p in sampler.chosen()]

    assert chosen(7) == chosen(7)
    assert chosen(7) != chosen(8)
    assert len(chosen(7)) == 5


def test_sample_is_weighted_by_size() -> None:
    hits = 0
    for seed in range(200):
        sampler = Sampler(1, seed)
        for pair in pairs([1, 1, 1, 1, 96]):
            sampler.offer(pair)
        hits += sampler.chosen()[0].rel == "f4"
    assert 170 < hits < 200  # 96% expected


def test_full_catches_a_byte_that_sample_finds_only_when_chosen(
    tmp_path: Path,
) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    for i in range(10):
        write(src / f"big{i}", bytes(300_000))
    os.utime(src, ns=(T0, T0))
    clone(src, dst)
    data = bytearray(300_000)
    data[123_456] = 1
    write(dst / "big3", bytes(data))
    assert run(src, dst, mode="full").content == ["big3"]
    found = {
        run(src, dst, "sample", sample=1, seed=s).content == ["big3"] for s in range(40)
    }
    assert found == {True, False}
    seeded = [run(src, dst, "sample", sample=3, seed=11) for _ in range(2)]
    assert seeded[0].content == seeded[1].content
    assert seeded[0].stats.seed == 11
    assert seeded[0].stats.files_compared == 3


# --- the command ----------------------------------------------------------


def invoke(tmp_path: Path, *args: str) -> Result:
    return cli_runner().invoke(cli, ["--log-file", str(tmp_path / "log"), *args])


def test_exit_0_when_the_trees_match(trees: tuple[Path, Path], tmp_path: Path) -> None:
    src, dst = trees
    result = invoke(tmp_path, "verify", "--source", str(src), "--target", str(dst))
    assert result.exit_code == Exit.OK, result.output
    assert "Compared 7 entries" in result.stdout
    assert "The clone matches its source." in result.stdout


def test_exit_4_and_the_groups(trees: tuple[Path, Path], tmp_path: Path) -> None:
    src, dst = trees
    (dst / "a.txt").unlink()
    (dst / "a.txt").mkdir()
    write(dst / "docs" / "extra")
    args = [
        "verify",
        "--source",
        str(src),
        "--target",
        str(dst),
        "--no-default-excludes",
    ]
    result = invoke(tmp_path, *args)
    assert result.exit_code == Exit.DIFFERENT
    out = result.stdout
    assert "Extra in the clone (1):\n  docs/extra" in out
    assert "a.txt: type: file (source) != dir (clone)" in out


def test_exit_1_when_a_root_is_missing_or_a_file(tmp_path: Path) -> None:
    write(tmp_path / "file")
    for target in (tmp_path / "nothing", tmp_path / "file"):
        args = ["verify", "--source", str(tmp_path), "--target", str(target)]
        result = invoke(tmp_path, *args)
        assert result.exit_code == Exit.FAILED
        assert isinstance(result.exception, VerifyFailed)


def test_a_failed_comparison_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--log-file",
        str(tmp_path / "log"),
        "verify",
        "--source",
        str(tmp_path),
        "--target",
        str(tmp_path / "nothing"),
    ]
    assert run_cli(argv) == Exit.FAILED
    err = capsys.readouterr().err
    assert f"Error: the target {tmp_path / 'nothing'} does not exist" in err
    assert "Traceback" not in err


def test_json_shape(trees: tuple[Path, Path], tmp_path: Path) -> None:
    src, dst = trees
    os.chmod(dst / "docs" / "b.txt", 0o600)
    args = [
        "verify",
        "--source",
        str(src),
        "--target",
        str(dst),
        "--json",
        "--mode",
        "sample",
        "--seed",
        "3",
    ]
    result = invoke(tmp_path, *args)
    assert result.exit_code == Exit.DIFFERENT
    obj = json.loads(result.stdout)
    assert obj["schema"] == "ssdmigrate.verify/1"
    assert obj["match"] is False
    assert (obj["missing"], obj["extra"], obj["content"], obj["errors"]) == (
        [],
        [],
        [],
        [],
    )
    assert obj["metadata"] == [
        {"path": "docs/b.txt", "field": "mode", "source": "0644", "target": "0600"}
    ]
    stats = obj["stats"]
    assert (stats["entries"], stats["mode"], stats["seed"]) == (7, "sample", 3)
    assert {"bytes_compared", "seconds"} <= stats.keys()


def test_at_most_20_per_group_unless_verbose(tmp_path: Path) -> None:
    src, dst = tmp_path / "src", tmp_path / "dst"
    for i in range(25):
        write(src / f"f{i:02d}")
    src.mkdir(exist_ok=True)
    dst.mkdir()
    base = ["verify", "--source", str(src), "--target", str(dst)]
    short = invoke(tmp_path, *base).stdout
    assert "Missing in the clone (25):" in short
    assert "  f19\n  ... and 5 more (-v shows all)" in short
    full = cli_runner().invoke(cli, ["--log-file", str(tmp_path / "log"), "-v", *base])
    assert "  f24\n" in full.stdout
    assert "more (-v shows all)" not in full.stdout


def test_show_excludes(tmp_path: Path) -> None:
    result = invoke(tmp_path, "verify", "--show-excludes", "--exclude", "*.tmp")
    lines = result.stdout.splitlines()
    assert lines == [*DEFAULT_EXCLUDES, "*.tmp"]
    assert "/private/var/vm" in lines


def test_source_and_target_are_required(tmp_path: Path) -> None:
    result = invoke(tmp_path, "verify", "--source", str(tmp_path))
    assert result.exit_code == Exit.USAGE


def test_text_output_limits_each_group() -> None:
    result = VerifyResult("s", "t", _stats())
    result.missing = [f"m{i}" for i in range(3)]
    text = render_text(result, limit=2)
    assert "  m1\n  ... and 1 more (-v shows all)" in text


def _stats() -> VerifyStats:
    return VerifyStats("metadata", entries=3, seconds=0.5)


def test_progress_prints_plain_lines_when_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("ssdmigrate.verify_progress.QUIET_SECONDS", 0.0)
    stream = io.StringIO()
    result = VerifyResult("s", "t", _stats())
    result.stats.bytes_compared = 2_000_000
    progress = Progress(enabled=True, total_bytes=4_000_000, stream=stream)
    progress.attach(result)
    with progress:
        deadline = time.monotonic() + 5
        while not stream.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert stream.getvalue().startswith("verify: 3 entries, 2.0 MB compared")
    assert "left" in stream.getvalue()


# --- the model: the engine against a naive comparison ----------------------

NAMES = st.sampled_from(["a", "b", "c.txt", "d d", "é"])


@st.composite
def tree_specs(draw: st.DrawFn, depth: int = 0) -> dict[str, object]:
    entries: dict[str, object] = {}
    for name in draw(st.lists(NAMES, max_size=4, unique=True)):
        kinds = ["file", "symlink", "link"] + (["dir"] if depth < 2 else [])
        kind = draw(st.sampled_from(kinds))
        if kind == "dir":
            entries[name] = draw(tree_specs(depth + 1))
        elif kind == "file":
            entries[name] = draw(st.binary(max_size=64))
        else:
            entries[name] = (kind, draw(NAMES))
    return entries


def build(root: Path, spec: dict[str, object], files: list[Path]) -> None:
    root.mkdir()
    later: list[tuple[Path, tuple[str, str]]] = []
    for name, value in spec.items():
        path = root / name
        if isinstance(value, dict):
            build(path, value, files)
        elif isinstance(value, bytes):
            write(path, value)
            files.append(path)
        else:
            later.append((path, value))  # type: ignore[arg-type]
    for path, (kind, other) in later:
        if kind == "symlink":
            os.symlink(other, path)
        elif files:
            os.link(files[sum(map(ord, other)) % len(files)], path)


MUTATIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "delete",
                "add",
                "byte",
                "grow",
                "chmod",
                "mtime",
                "relink",
                "retarget",
                "to-dir",
                "xattr",
                "link",
            ]
        ),
        st.integers(0, 1000),
    ),
    min_size=0,
    max_size=3,
)


def mutate(root: Path, kind: str, pick: int) -> None:
    entries = sorted(root.rglob("*"))
    if not entries:
        write(root / "new", b"new")
        return
    path = entries[pick % len(entries)]
    info = path.lstat()
    is_file = stat.S_ISREG(info.st_mode)
    if kind == "delete":
        shutil.rmtree(path) if stat.S_ISDIR(info.st_mode) else path.unlink()
    elif kind == "add" and stat.S_ISDIR(info.st_mode):
        write(path / "added", b"added")
    elif kind == "byte" and is_file and info.st_size:
        data = bytearray(path.read_bytes())
        data[pick % len(data)] ^= 0xFF
        with kept_mtime(path):
            path.write_bytes(bytes(data))
    elif kind == "grow" and is_file:
        with kept_mtime(path), path.open("ab") as handle:
            handle.write(b"+")
    elif kind == "chmod" and not stat.S_ISLNK(info.st_mode):
        os.chmod(path, stat.S_IMODE(info.st_mode) ^ 0o040)
    elif kind == "mtime":
        os.utime(path, ns=(T0, info.st_mtime_ns + 7), follow_symlinks=False)
    elif kind == "relink" and is_file and info.st_nlink > 1:
        content = path.read_bytes()
        path.unlink()
        write(path, content, info.st_mtime_ns)
    elif kind == "retarget" and stat.S_ISLNK(info.st_mode):
        path.unlink()
        os.symlink("elsewhere", path)
    elif kind == "to-dir" and not stat.S_ISDIR(info.st_mode):
        path.unlink()
        path.mkdir()
    elif kind == "xattr" and not stat.S_ISLNK(info.st_mode):
        with contextlib.suppress(OSError):
            os.setxattr(path, "user.m", str(pick).encode())
    elif kind == "link" and is_file:
        others = [e for e in entries if e.is_file() and not e.is_symlink()]
        other = others[pick % len(others)]
        if other != path:
            path.unlink()
            os.link(other, path)


def snapshot(root: Path) -> dict[str, dict[str, object]]:
    """Every entry under `root` with what `verify` compares, read naively."""
    found: dict[str, dict[str, object]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = describe(path)
    return found


def describe(path: str) -> dict[str, object]:
    info = os.lstat(path)
    kind = stat.S_IFMT(info.st_mode)
    entry: dict[str, object] = {
        "type": kind,
        "mode": stat.S_IMODE(info.st_mode),
        "owner": info.st_uid,
        "group": info.st_gid,
        "mtime": info.st_mtime_ns,
        "ino": (info.st_dev, info.st_ino),
    }
    for name in _xattr_names(Path(path)):
        entry[f"xattr:{name}"] = os.getxattr(path, name, follow_symlinks=False)
    if kind == stat.S_IFLNK:
        entry["symlink"] = os.readlink(path)
    if kind == stat.S_IFREG:
        entry["size"] = info.st_size
        entry["bytes"] = Path(path).read_bytes()
    return entry


def reference(src: Path, dst: Path) -> dict[str, set[object]]:
    a, b = snapshot(src), snapshot(dst)
    # The engine checks a folder's entries together, folders in depth-first order.
    order = sorted(a.keys() | b.keys(), key=_walk_order)
    shown = [p for p in order if _parent_in_both(p, a, b)]
    out: dict[str, set[object]] = {
        "missing": set(),
        "extra": set(),
        "content": set(),
        "metadata": set(),
    }
    out["missing"] = {p for p in shown if p in a and p not in b}
    out["extra"] = {p for p in shown if p in b and p not in a}
    both = [p for p in shown if p in a and p in b]
    for path in both:
        _reference_entry(path, a[path], b[path], out)
    out["metadata"] |= _reference_links(both, a, b)
    return out


def _walk_order(path: str) -> tuple[list[str], str]:
    parts = path.split("/")
    return parts[:-1], parts[-1]


def _parent_in_both(path: str, a: dict, b: dict) -> bool:  # type: ignore[type-arg]
    parent = os.path.dirname(path)
    if not parent:
        return True
    dirs = {stat.S_IFDIR}
    return (
        parent in a
        and parent in b
        and a[parent]["type"] in dirs
        and b[parent]["type"] in dirs
        and _parent_in_both(parent, a, b)
    )


def _reference_entry(path: str, x: dict, y: dict, out: dict) -> None:  # type: ignore[type-arg]
    if x["type"] != y["type"]:
        out["metadata"].add((path, "type"))
        return
    for key in sorted((x.keys() | y.keys()) - {"type", "ino", "bytes"}):
        if x.get(key) != y.get(key):
            out["metadata"].add((path, key))
    if x.get("size") == y.get("size") and x.get("bytes") != y.get("bytes"):
        out["content"].add(path)


def _reference_links(both: list[str], a: dict, b: dict) -> set[object]:  # type: ignore[type-arg]
    """The first path seen of each inode, in each tree, and its partner."""
    first_a: dict[object, tuple[object, str]] = {}
    first_b: dict[object, tuple[object, str]] = {}
    found: set[object] = set()
    for path in both:
        x, y = a[path], b[path]
        if x["type"] != y["type"] or x["type"] == stat.S_IFDIR:
            continue
        seen_a = first_a.setdefault(x["ino"], (y["ino"], path))
        seen_b = first_b.setdefault(y["ino"], (x["ino"], path))
        if seen_a[0] != y["ino"] or seen_b[0] != x["ino"]:
            found.add((path, "hardlink"))
    return found


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(spec=tree_specs(), mutations=MUTATIONS, to_source=st.booleans())
def test_engine_agrees_with_a_naive_comparison(
    tmp_path: Path,
    spec: dict[str, object],
    mutations: list[tuple[str, int]],
    to_source: bool,
) -> None:
    base = Path(tempfile.mkdtemp(dir=tmp_path))
    src, dst = base / "src", base / "dst"
    build(src, spec, [])
    clone(src, dst)
    for kind, pick in mutations:
        try:
            mutate(src if to_source else dst, kind, pick)
        except OSError as exc:
            if exc.errno not in (errno.ENOTSUP, errno.EPERM):
                raise
    result = run(src, dst, mode="full")
    expected = reference(src, dst)
    assert set(result.missing) == expected["missing"]
    assert set(result.extra) == expected["extra"]
    assert set(result.content) == expected["content"]
    assert fields(result) == expected["metadata"]
    assert result.errors == []
