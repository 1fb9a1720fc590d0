"""The exact versions of the program and what it is built on, for About and diagnostics."""

from __future__ import annotations

import platform
from importlib import metadata

from trustnxt_desktop import APP_NAME, __version__
from trustnxt_desktop.services.versions import COMPONENTS, component_versions, operating_system, version_report


def test_every_component_has_its_installed_version() -> None:
    rows = dict(component_versions())
    assert rows["Python"] == platform.python_version()
    for name in COMPONENTS:
        try:
            assert rows[name] == metadata.version(name)
        except metadata.PackageNotFoundError:
            assert rows[name] == "not installed"
    assert rows["c2pa-rs"][0].isdigit()


def test_the_report_has_one_line_per_row_with_extras_after_the_os() -> None:
    report = version_report([("Qt", "6.x")])
    lines = report.splitlines()
    assert lines[0] == f"{APP_NAME}: {__version__}"
    assert lines[1] == f"Operating system: {operating_system()}" and platform.platform() in lines[1]
    assert lines[2] == "Qt: 6.x"
    assert len(lines) == 3 + len(COMPONENTS) + 2 and report.endswith("\n")
