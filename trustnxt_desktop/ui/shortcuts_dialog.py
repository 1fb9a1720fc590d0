"""Help › Keyboard shortcuts: made from the window's own actions each time it opens, so it cannot drift."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)


def plain(text: str) -> str:
    """A menu text without its mnemonic marks: `&Protect files…` -> `Protect files…`, `A && B` -> `A & B`."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def keys(action: QAction) -> str:
    """Every shortcut of the action as this platform writes it (`Ctrl+P`, `⌘P`), comma-separated."""
    return ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts() if not s.isEmpty())


def _menu_actions(menu: QMenu) -> list[QAction]:
    found = []
    for action in menu.actions():
        sub = action.menu()
        found.extend(_menu_actions(sub) if isinstance(sub, QMenu) else [action])
    return found


def _section(action: QAction, pages: QStackedWidget | None, page_names: list[str]) -> tuple[int, str]:
    """Where an action outside the menus works: the view that owns it (`Capture view`), else the window;
    with the view's position, to list the views in the order the window shows them."""
    owner = action.parent()
    if pages is not None and isinstance(owner, QWidget):
        for i in range(pages.count()):
            page = pages.widget(i)
            if page is not None and (page is owner or page.isAncestorOf(owner)) and i < len(page_names):
                return i, f"{page_names[i]} view"
    return len(page_names), "Window"


def shortcut_rows(window: QMainWindow, pages: QStackedWidget | None = None,
                  page_names: list[str] | None = None) -> list[tuple[str, str, str]]:
    """(group, action, keys) for every action of the window with a shortcut: menu actions under their menu,
    in menu order, then actions of the views (e.g. Delete in Protect) under the view's name."""
    rows: list[tuple[str, str, str]] = []
    in_menus: set[int] = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        if not isinstance(menu, QMenu):
            continue
        for action in _menu_actions(menu):
            in_menus.add(id(action))
            if keys(action):
                rows.append((plain(top.text()), plain(action.text()), keys(action)))
    others = [(_section(action, pages, page_names or []), plain(action.text()), keys(action))
              for action in window.findChildren(QAction)
              if id(action) not in in_menus and keys(action) and action.text()]
    others.sort(key=lambda row: row[0][0])  # stable: each view's actions keep their order
    return rows + [(section, text, shortcut) for (_i, section), text, shortcut in others]


class ShortcutsDialog(QDialog):
    """`rows` is called on every show, so actions added since are listed too."""

    def __init__(self, rows: Callable[[], list[tuple[str, str, str]]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows = rows
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(520, 620)
        self.tree = QTreeWidget()
        self.tree.setAccessibleName("Keyboard shortcuts")
        self.tree.setHeaderLabels(["Action", "Keys"])
        self.tree.setRootIsDecorated(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for group, text, shortcut in self._rows():
            if group not in groups:
                groups[group] = QTreeWidgetItem(self.tree, [group])
                font = groups[group].font(0)
                font.setBold(True)
                groups[group].setFont(0, font)
                groups[group].setFirstColumnSpanned(True)
            QTreeWidgetItem(groups[group], [text, shortcut])
        self.tree.expandAll()

    def showEvent(self, event: QShowEvent) -> None:
        self.refresh()
        super().showEvent(event)
