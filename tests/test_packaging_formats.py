"""Every installer offers to open exactly the formats of the engine's table: the Linux .desktop MimeType,
the Windows "Open with" entries and the macOS document types are generated from it, never listed by hand."""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from types import ModuleType

import pytest

from tests.conftest import PROJECT
from trustnxt_desktop.engine.c2pa_loader import c2pa
from trustnxt_desktop.engine.formats import Format, supported_formats

READABLE = [f for f in supported_formats() if f.readable]


def _formats_script(*args: str) -> str:
    done = subprocess.run([sys.executable, str(PROJECT / "packaging" / "formats.py"), *args], cwd=PROJECT,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_the_desktop_file_lists_every_type_the_engine_reads() -> None:
    entry = _formats_script("desktop", "resources/trustnxt-desktop.desktop.in")
    (line,) = [line for line in entry.splitlines() if line.startswith("MimeType=")]
    listed = line.removeprefix("MimeType=").split(";")
    assert listed[-1] == "" and listed[:-1] == [f.media_type for f in READABLE]
    assert "@" not in entry and "Exec=trustnxt-desktop %F" in entry
    # Every media type c2pa reports it reads is offered, under our name for it or as one of its aliases.
    offered = {t.lower() for f in READABLE for t in (f.media_type, *f.aliases)}
    assert {n.lower() for n in c2pa.Reader.get_supported_mime_types() if "/" in n} <= offered
    for wanted in ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/epub+zip",
                   "image/jxl", "image/x-adobe-dng", "application/oxps", "application/vnd.oasis.opendocument.text"):
        assert wanted in listed


def test_windows_open_with_entries_are_every_extension_the_engine_reads() -> None:
    registry = _formats_script("iss")
    extensions = re.findall(r'Subkey: "Software\\Classes\\\.([a-z0-9]+)\\OpenWithProgids"; ValueType: string; '
                            r'ValueName: "TrustNXT\.Media"; ValueData: ""; Flags: uninsdeletevalue$', registry, re.M)
    assert len(extensions) == len(registry.splitlines())
    assert extensions == [e for f in READABLE for e in f.extensions]
    assert {"docx", "xlsx", "pptx", "epub", "odt", "oxps", "jxl", "dng", "arw", "nef"} <= set(extensions)
    script = (PROJECT / "packaging" / "windows" / "trustnxt-desktop.iss").read_text()
    assert '#include "..\\..\\build\\file-associations.iss"' in script and "#emit Ext(" not in script
    workflow = (PROJECT / ".github" / "workflows" / "build.yml").read_text()
    assert workflow.index("packaging\\formats.py iss") < workflow.index("iscc ")


def _packaging_formats() -> ModuleType:
    spec = importlib.util.spec_from_file_location("packaging_formats", PROJECT / "packaging" / "formats.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_macos_document_types_are_every_format_the_engine_reads() -> None:
    module = _packaging_formats()
    types = module.document_types()
    assert [t["CFBundleTypeMIMETypes"] for t in types] == [[f.media_type] for f in READABLE]
    assert [t["CFBundleTypeExtensions"] for t in types] == [list(f.extensions) for f in READABLE]
    assert {t["CFBundleTypeRole"] for t in types} == {"Viewer"} and {t["LSHandlerRank"] for t in types} == {"Alternate"}
    deb = (PROJECT / "packaging" / "linux" / "build-deb.sh").read_text()
    assert "packaging/formats.py desktop resources/trustnxt-desktop.desktop.in" in deb


def test_packaging_keeps_no_list_of_its_own() -> None:
    """One source: packaging/formats.py names no media type and no extension; it only reads the engine's."""
    tree = ast.parse((PROJECT / "packaging" / "formats.py").read_text("utf-8"))
    known = {t for f in supported_formats() for t in (f.media_type, *f.aliases, *f.extensions)}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert not {s for s in strings if s.lower() in known or re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", s)}


def test_installers_follow_a_change_of_the_engines_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """A format the engine gains is offered by every installer; one it can only write is not."""
    module = _packaging_formats()
    new = Format("image/x-future", ("fut", "ftr"), "Future image", "image/x-future", readable=True, writable=True)
    write_only = Format("application/x-sink", ("snk",), "Write-only", "snk", readable=False, writable=True)
    monkeypatch.setattr(module, "supported_formats", lambda: (*supported_formats(), new, write_only))
    assert module.mime_types().endswith("image/x-future;") and "application/x-sink" not in module.mime_types()
    assert module.windows_extensions()[-2:] == ["fut", "ftr"] and "snk" not in module.windows_extensions()
    assert module.document_types()[-1]["CFBundleTypeExtensions"] == ["fut", "ftr"]
    assert '.fut\\OpenWithProgids' in module.inno_registry()
