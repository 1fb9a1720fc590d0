"""Composition root of the GUI: builds the services, injects them into the window, runs qasync."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

_STARTED = time.perf_counter()

from . import APP_NAME, __version__  # noqa: E402 - the start-up clock starts before the package loads
from .domain.display import plural  # noqa: E402

if TYPE_CHECKING:  # Qt and the services load when the window is built, not when `--version` is asked
    from PySide6.QtCore import QCoreApplication

    from .services.app_context import AppContext
    from .ui.main_window import MainWindow
    from .ui.welcome_dialog import WelcomeWizard


def _parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="trustnxt-desktop", description=f"{APP_NAME}: protect and inspect media.")
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    p.add_argument("--smoke-test", action="store_true",
                   help="check this installation end to end (keyring, Qt, protect, inspect) and exit")
    p.add_argument("files", nargs="*", type=Path, help="files or folders to open for inspection")
    # For tests and benchmarks: report the first paint, finish opened files, quit after N seconds.
    p.add_argument("--quit-after", type=float, default=None, help=argparse.SUPPRESS)
    # For `trustnxt inspect --report`: the CLI cannot load Qt, so it asks this program to draw the PDF.
    p.add_argument("--render-report", nargs=2, type=Path, metavar=("REQUEST", "OUT"), help=argparse.SUPPRESS)
    return p.parse_args(argv)


async def run_window(args: argparse.Namespace) -> int:
    """Build everything, show the window, wait until the app quits, then shut down cleanly."""
    from PySide6.QtWidgets import QApplication

    from .services.app_context import AppContext
    from .services.paths import data_root
    from .services.records.app_log import install_app_log
    from .ui.crash import CrashHandler
    from .ui.main_window import MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication), "main() made it"
    # The event loop must outlive the window: its shutdown closes network connections and workers, which
    # needs a running loop. The window says when it is gone (MainWindow.closeEvent); we end the loop then.
    app.setQuitOnLastWindowClosed(False)
    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)
    root = data_root()
    CrashHandler(root / "logs").install()  # first, so even a failing start-up is logged and explained
    install_app_log(root)  # logs/trustnxt.log: what the person was shown and what failed, secrets redacted
    context = AppContext.create(root)
    window = MainWindow(context)
    window.closed.connect(quit_event.set)
    _open_files_from_the_system(app, window)
    if args.quit_after is not None:
        _report_first_paint(window)
    window.show()
    window.watch.start()  # watch folders (and jobs an earlier run left) from the start, whichever page is shown
    if args.files:
        window.open_for_inspection(args.files)
    await context.check_keyring()  # after the first paint; the welcome says so when there is no keyring
    welcome_on_first_run(window, context)
    if args.quit_after is not None:
        asyncio.ensure_future(_quit_later(window, args.quit_after))
    await quit_event.wait()
    await window.aclose()  # already done when the window closed; not when the quit came another way
    await context.aclose()  # closes the shared HTTP client and the engine's workers
    if args.quit_after is not None:
        print(f"inspected {plural(len(window.inspect.reports()), 'file')}", flush=True)
    return 0


def welcome_on_first_run(window: MainWindow, context: AppContext) -> WelcomeWizard | None:
    """Open the welcome until it was finished or skipped once (Settings.welcome_done); None after that.
    Here, not in the window's constructor: tests build windows directly and must not get it."""
    return None if context.settings.welcome_done else window.open_welcome()


def _open_files_from_the_system(app: QCoreApplication, window: MainWindow) -> None:
    """macOS delivers files dropped on the Dock icon or opened with the app as FileOpen events."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtGui import QFileOpenEvent

    class FileOpens(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent) and event.file():
                window.open_for_inspection([Path(event.file())])
                return True
            return False

    handler = FileOpens(window)
    app.installEventFilter(handler)


def _report_first_paint(window: MainWindow) -> None:
    """Print the time from start-up to the window's first paint (start-up benchmark)."""
    from PySide6.QtCore import QEvent, QObject

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                print(f"first paint {1000 * (time.perf_counter() - _STARTED):.0f} ms", flush=True)
                watched.removeEventFilter(self)
            return False

    spy = FirstPaint(window)
    window.installEventFilter(spy)


async def _quit_later(window: MainWindow, seconds: float) -> None:
    await asyncio.sleep(seconds)
    await window.inspect.wait_idle()
    from PySide6.QtWidgets import QApplication

    QApplication.quit()  # as the OS asks (Dock, session end): Qt closes the window first, then quits


def window_system_problem() -> str | None:
    """Why Qt could not open a window here, said before Qt tries (its own message names the wrong library).

    Only for Linux's X11 (xcb) platform, the default outside Wayland sessions: no display to connect
    to, or system libraries missing (named with the packages that provide them, from linux_runtime).
    """
    if not sys.platform.startswith("linux"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] not in ("", "xcb") or (not platform and os.environ.get("WAYLAND_DISPLAY")):
        return None
    from .linux_runtime import install_hint, missing_libraries

    missing = missing_libraries()
    if missing:
        return install_hint(missing)
    if not os.environ.get("DISPLAY"):
        return ("TrustNXT Desktop cannot open its window: no display to connect to (DISPLAY is not set). "
                "Start it from your desktop session; the trustnxt command works without one.")
    return None


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    window = not (args.smoke_test or args.render_report)
    problem = window_system_problem() if window else None
    if problem:
        print(problem, file=sys.stderr)
        return 3  # a configuration error, as the CLI says it
    if window:
        # The services before Qt: PySide6 reads the source of every module imported after it (its __feature__
        # check), some 50 ms of a start-up for the services' modules, which never use Qt.
        from .services import app_context  # noqa: F401
    from .ui.gc_guard import offset_refcount_leaks

    # Every Qt path of this program (the window, the smoke test, the PDF renderer) emits signals and calls void
    # Qt methods, each of which costs True or None a reference in PySide6 6.12 (see gc_guard).
    offset_refcount_leaks()
    if args.smoke_test:
        from .ui.smoke import run_smoke_test

        return run_smoke_test()
    if args.render_report:
        from .ui.pdf_report import render_command

        return render_command(*args.render_report)
    from PySide6.QtWidgets import QApplication

    from .ui.event_loop import run as run_event_loop
    from .ui.gc_guard import collect_on_gui_thread
    from .ui.icons import app_icon
    from .ui.theme import apply_palette, connect_scheme_changes

    app = QApplication(sys.argv[:1])
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setOrganizationName("TrustNXT")
    QApplication.setDesktopFileName("trustnxt-desktop")
    app.setWindowIcon(app_icon())
    collect_on_gui_thread(app)
    apply_palette(app)
    connect_scheme_changes(app)
    return run_event_loop(run_window(args)) or 0


if __name__ == "__main__":
    sys.exit(main())
