"""`trustnxt repository remote …` (the remote repositories recovery may ask: addresses in the settings, keys in the
real keyring) and `trustnxt repository serve`'s refusals before it listens, plus its ready line as a real process."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Trustnxt
from trustnxt_desktop.cli.repository_cmd import READY_LINE
from trustnxt_desktop.services.account.keyring_store import KeyringSecretStore
from trustnxt_desktop.services.account.settings import SettingsStore
from trustnxt_desktop.services.repository.remote import key_name
from trustnxt_desktop.services.repository.sqlite import LOCAL_NAME

KEY = "tnxt_live_cli_repository_key_0000000000"
URL = "https://repository.example/v1"


def test_remote_repositories_are_added_listed_turned_on_and_removed(trustnxt: Trustnxt, home: Path) -> None:
    added = trustnxt("repository", "remote", "add", URL + "/", stdin=f"{KEY}\n")
    assert added.code == 0 and added.out.startswith(f"Added {URL};") and "remote on" in added.out
    assert KEY not in added.out + added.err
    assert KeyringSecretStore().get(key_name(URL)) == KEY
    written = [f for f in home.rglob("*") if f.is_file() and KEY.encode() in f.read_bytes()]
    assert written == [], "the key is only in the keyring"
    open_one = trustnxt("repository", "remote", "add", "http://127.0.0.1:8790/v1", "--no-api-key")
    assert open_one.code == 0

    listed = trustnxt("repository", "remote", "list")
    assert listed.code == 0 and "not asked" in listed.out
    assert f"  {URL}  key: in the keyring" in listed.out
    assert "  http://127.0.0.1:8790/v1  key: none" in listed.out
    assert trustnxt("repository", "remote", "on").out.strip() == "Remote repositories are asked during recovery."
    settings = SettingsStore(home).load()
    assert settings.remote_repositories and settings.remote_repository_urls == [URL, "http://127.0.0.1:8790/v1"]
    again = trustnxt("repository", "remote", "add", URL, stdin=f"{KEY}-2\n")
    assert again.code == 0 and again.out.strip() == f"Added {URL}"
    assert SettingsStore(home).load().remote_repository_urls == ["http://127.0.0.1:8790/v1", URL], "once"

    removed = trustnxt("repository", "remote", "remove", URL)
    assert removed.code == 0 and removed.out.strip() == f"Removed {URL}"
    assert KeyringSecretStore().get(key_name(URL)) is None
    assert SettingsStore(home).load().remote_repository_urls == ["http://127.0.0.1:8790/v1"]
    assert trustnxt("repository", "remote", "off").code == 0
    assert not SettingsStore(home).load().remote_repositories


def test_remote_addresses_and_keys_that_cannot_be_used(trustnxt: Trustnxt, home: Path) -> None:
    no_key = trustnxt("repository", "remote", "add", URL, stdin="\n")
    assert no_key.code == 2 and "--no-api-key" in no_key.err
    plain = trustnxt("repository", "remote", "add", "http://repository.example/v1", "--no-api-key")
    assert plain.code == 3
    assert SettingsStore(home).load().remote_repository_urls == []


def test_serve_refuses_what_it_cannot_use_before_listening(trustnxt: Trustnxt, tmp_path: Path) -> None:
    keys = tmp_path / "keys.txt"
    keys.write_text("# only a comment\n")
    for args, says in [
        (("--address", "localhost", "--no-api-key"), "is not HOST:PORT"),
        (("--address", "127.0.0.1:70000", "--no-api-key"), "is not HOST:PORT"),
        (("--address", "127.0.0.1:0", "--api-key-file", str(tmp_path / "none.txt")), "cannot read the API key"),
        (("--address", "127.0.0.1:0", "--api-key-file", str(keys)), "holds no API key"),
        (("--address", "127.0.0.1:0", "--no-api-key", "--max-upload-mb", "0"), "at least 1"),
        (("--address", "127.0.0.1:0", "--no-api-key", "--database", "mysql://x/y"), "postgresql://"),
    ]:
        ran = trustnxt("repository", "serve", *args)
        assert ran.code == 2 and says in ran.err, (args, ran)
    both = trustnxt("repository", "serve", "--address", "127.0.0.1:0", "--no-api-key", "--api-key-file", str(keys))
    assert both.code == 2
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = trustnxt("repository", "serve", "--address", f"127.0.0.1:{port}", "--no-api-key")
    assert busy.code == 3 and f"cannot listen on 127.0.0.1:{port}" in busy.err


def test_serve_says_where_it_listens_and_what_it_serves(home: Path) -> None:
    server = subprocess.Popen([sys.executable, "-m", "trustnxt_desktop.cli", "repository", "serve", "--address",
                               "127.0.0.1:0", "--no-api-key"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()
    finally:
        server.terminate()
        server.wait(15)
    assert re.fullmatch(rf"{READY_LINE} http://127\.0\.0\.1:\d+/v1 \({LOCAL_NAME}, 0 records; open to anyone who "
                        r"can reach it\)", line), line
