"""tools/setup.sh: as a non-root user with packages missing it stops and says what to run."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fake_bin(tmp_path: Path, uid: int, installed: set[str], sudo: bool = False) -> Path:
    """Stand-ins for id, dpkg-query, apt-get and sudo (password-less if ``sudo``, else refused)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "sudo").write_text('#!/bin/sh\n[ "$1" = -n ] && shift\nexec "$@"\n' if sudo else "#!/bin/sh\nexit 1\n")
    cases = "".join(f"  {p}) echo 'install ok installed'; exit 0;;\n" for p in installed)
    (bin_dir / "dpkg-query").write_text(
        '#!/bin/sh\nfor last; do :; done\ncase "$last" in\n' + cases + "  *) exit 1;;\nesac\n")
    (bin_dir / "apt-get").write_text("#!/bin/sh\necho apt-get must not run >&2\nexit 99\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return bin_dir


def run_setup(bin_dir: Path, purpose: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(["bash", str(ROOT / "tools" / "setup.sh"), purpose], env=env, capture_output=True,
                          text=True, timeout=60)


def test_non_root_with_missing_packages_prints_the_exact_command(tmp_path):
    bins = fake_bin(tmp_path, uid=1000, installed={"pkg-config", "fonts-dejavu-core", "flite"})
    out = run_setup(bins, "test")
    assert out.returncode == 1
    assert ("missing Debian packages: libpango1.0-dev texlive-latex-extra dvisvgm chromium libreoffice-impress "
            "poppler-utils") in out.stderr
    assert ("sudo sh -c 'apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
            "--no-install-recommends libpango1.0-dev texlive-latex-extra dvisvgm chromium libreoffice-impress "
            "poppler-utils'") in out.stderr
    assert "apt-get must not run" not in out.stderr


def test_lecture_setup_does_not_ask_for_chromium(tmp_path):
    bins = fake_bin(tmp_path, uid=1000, installed={"libpango1.0-dev", "pkg-config", "texlive-latex-extra",
                                                   "fonts-dejavu-core", "flite"})
    out = run_setup(bins, "lecture")
    assert out.returncode == 1
    assert "missing Debian packages: dvisvgm\n" in out.stderr


def test_unknown_purpose_is_refused(tmp_path):
    out = run_setup(fake_bin(tmp_path, uid=0, installed=set()), "everything")
    assert out.returncode == 2
    assert "unknown purpose 'everything' (allowed: lecture, test, ray)" in out.stderr


def test_password_less_sudo_installs_the_packages(tmp_path):
    """As on GitHub's runners: not root, but sudo -n works, so the packages are installed with it."""
    bins = fake_bin(tmp_path, uid=1000, installed={"libpango1.0-dev", "pkg-config", "texlive-latex-extra",
                                                   "fonts-dejavu-core", "flite"}, sudo=True)
    out = run_setup(bins, "lecture")
    assert "installing Debian packages with sudo: dvisvgm" in out.stdout
    assert "apt-get must not run" in out.stderr, "the fake apt-get was reached through sudo"
    assert out.returncode == 99
