"""`make test` on a machine without Chromium: installs Debian's, or stops at once saying how."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "ensure-chromium"


def run_without_apt_get(tmp_path, chromium):
    # A PATH with only what the script needs besides apt-get: a machine where it cannot install.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to(shutil.which("id"))
    return subprocess.run(
        ["/bin/sh", str(SCRIPT)],
        env={"PATH": str(bin_dir), "CHROMIUM": str(chromium)},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_without_chromium_and_without_apt_get_it_stops_with_one_line_saying_how(tmp_path):
    result = run_without_apt_get(tmp_path, tmp_path / "no-chromium")

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "apt-get install chromium" in lines[0]
    assert "not e2e" in lines[0]


def test_with_chromium_present_it_does_nothing(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.write_text("#!/bin/sh\n")
    os.chmod(chromium, 0o755)

    result = run_without_apt_get(tmp_path, chromium)

    assert result.returncode == 0
    assert result.stdout == result.stderr == ""


def test_make_test_and_ci_use_the_same_script():
    assert ".ci/ensure-chromium" in (ROOT / "Makefile").read_text()
    assert ".ci/ensure-chromium" in (ROOT / ".ci" / "run").read_text()
