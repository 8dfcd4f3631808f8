"""The real-Mac suite's image lab, in the parts that need no Mac."""

from __future__ import annotations

from pathlib import Path

from ssdmigrate import plists
from ssdmigrate.runner import Result, Runner
from tests.macos.lab import ImageSpec, Lab, attach_argv, detach_argv, parse_attach


def test_image_command_lines() -> None:
    blank = ImageSpec("ssdm target", 2000)
    assert blank.create_argv(Path("/tmp/x")) == [
        "hdiutil",
        "create",
        "-size",
        "2000m",
        "-type",
        "SPARSE",
        "-layout",
        "NONE",
        "/tmp/x",
    ]
    source = ImageSpec("ssdm source", 400, "JHFS+")
    assert source.create_argv(Path("/tmp/s"))[6:10] == [
        "-fs",
        "JHFS+",
        "-volname",
        "ssdm source",
    ]
    assert source.file_name() == "ssdm-source.sparseimage"
    assert "-nomount" in attach_argv(Path("/tmp/x.sparseimage"), mount=False)
    assert "-nomount" not in attach_argv(Path("/tmp/x.sparseimage"), mount=True)
    assert detach_argv("/dev/disk4") == ["hdiutil", "detach", "-force", "/dev/disk4"]


def _attach_plist(whole: str, mount: str | None) -> str:
    entities = [{"content-hint": "GUID_partition_scheme", "dev-entry": whole}]
    part = {
        "content-hint": "48465300-0000-11AA-AA11-00306543ECAC",
        "dev-entry": whole + "s1",
    }
    if mount:
        part["mount-point"] = mount
    return plists.dumps({"system-entities": [*entities, part]})


def test_attach_output_gives_the_whole_disk_and_mount_point() -> None:
    found = parse_attach(_attach_plist("/dev/disk7", "/Volumes/ssdm source"))
    assert (found.whole, found.ident, found.mount_point) == (
        "/dev/disk7",
        "disk7",
        "/Volumes/ssdm source",
    )
    assert parse_attach(_attach_plist("/dev/disk8", None)).mount_point is None


class _Fake:
    """Answers hdiutil like the real one; detach of disk5 fails once."""

    name, writable = "fake", True

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.disks = iter(["/dev/disk4", "/dev/disk5", "/dev/disk6"])

    def execute(self, argv, *, on_line, timeout):  # type: ignore[no-untyped-def]
        self.calls.append(list(argv))
        if argv[1] == "attach":
            return Result(tuple(argv), 0, _attach_plist(next(self.disks), None), "")
        if argv[1] == "detach" and argv[-1] == "/dev/disk5":
            return Result(
                tuple(argv), 16, "", "hdiutil: detach failed - Resource busy\n"
            )
        if argv[1] == "create":
            Path(argv[-1] + ".sparseimage").write_bytes(b"image")
        return Result(tuple(argv), 0, "", "")


def test_teardown_detaches_newest_first_then_deletes_even_after_a_failure(
    tmp_path: Path,
) -> None:
    fake = _Fake()
    lab = Lab(Runner(fake), tmp_path)  # type: ignore[arg-type]
    try:
        with lab:
            for name in ("a", "b", "c"):
                lab.image(ImageSpec(name, 10), mount=False)
            raise RuntimeError("the test failed half-way")
    except RuntimeError:
        pass
    detaches = [c[-1] for c in fake.calls if c[1] == "detach"]
    assert detaches == ["/dev/disk6", "/dev/disk5", "/dev/disk4"]
    assert not list(tmp_path.glob("*.sparseimage"))
    assert len(lab.problems) == 1 and "detach /dev/disk5" in lab.problems[0]
