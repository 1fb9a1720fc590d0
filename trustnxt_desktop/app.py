"""Composition root of the GUI: builds services, injects them into the window, runs qasync."""

from __future__ import annotations

import argparse
import asyncio
import sys

from . import APP_NAME, __version__


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="trustnxt-desktop", description=f"{APP_NAME}: protect and inspect media.")
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    p.add_argument("files", nargs="*", help="files to open for inspection")
    return p.parse_args(argv)


async def _run(args: argparse.Namespace) -> int:
    from PySide6.QtWidgets import QApplication

    from .services.paths import data_root
    from .services.settings import SettingsStore
    from .ui.main_window import MainWindow

    app = QApplication.instance()
    assert app is not None
    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)
    root = data_root()
    window = MainWindow(settings=SettingsStore(root).load())
    window.show()
    await quit_event.wait()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    import qasync
    from PySide6.QtWidgets import QApplication

    QApplication(sys.argv[:1])
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    return qasync.run(_run(args)) or 0


if __name__ == "__main__":
    sys.exit(main())
