"""engine/privacy/containers.py: metadata holding a removed value is cut out of RIFF, MP3, FLAC and PNG files;
the media data and the other metadata stay byte for byte."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from tests.revealing_media import OWNER, SERIAL, revealing_file
from trustnxt_desktop.engine.privacy.containers import (
    ContainerError,
    clean_flac,
    clean_id3,
    clean_riff,
    drop_png_text,
    riff_chunks,
)

NEEDLES = (SERIAL.encode(), OWNER.encode(), SERIAL.encode("utf-16-le"), OWNER.encode("utf-16-le"))


def test_wav_keeps_its_sound_and_loses_the_chunks_that_name_the_owner(tmp_path: Path) -> None:
    wav = revealing_file("sample1.wav", tmp_path)
    out = tmp_path / "out.wav"
    clean_riff(wav, out, ["-SerialNumber=", "-OwnerName=", "-XMP-aux:all="], NEEDLES)
    before, after = dict(riff_chunks(wav.read_bytes())), dict(riff_chunks(out.read_bytes()))
    assert after[b"data"] == before[b"data"] and after[b"fmt "] == before[b"fmt "]
    assert not any(n in out.read_bytes() for n in NEEDLES)
    with pytest.raises(FileExistsError):
        clean_riff(wav, out, [], NEEDLES)  # never over an existing file


def test_mp3_frames_and_flac_comments_holding_a_value_go(tmp_path: Path) -> None:
    mp3, flac = revealing_file("sample1.mp3", tmp_path), revealing_file("sample1.flac", tmp_path)
    clean_id3(mp3, tmp_path / "out.mp3", NEEDLES)
    clean_flac(flac, tmp_path / "out.flac", NEEDLES)
    for original, out in ((mp3, tmp_path / "out.mp3"), (flac, tmp_path / "out.flac")):
        data = out.read_bytes()
        assert not any(n in data for n in NEEDLES)
        assert data.endswith(original.read_bytes()[-4096:]), "the audio frames are untouched"
    assert b"TITLE=Waves" in (tmp_path / "out.flac").read_bytes(), "other comments stay"


def test_a_compressed_png_text_chunk_is_read_before_it_is_judged(tmp_path: Path) -> None:
    png = tmp_path / "a.png"
    data = (CORPUS / "media" / "trustnxt-icon.png").read_bytes()
    payload = b"exif:BodySerialNumber\0\0" + zlib.compress(SERIAL.encode())
    chunk = struct.pack(">I", len(payload)) + b"zTXt" + payload + struct.pack(">I", zlib.crc32(b"zTXt" + payload))
    png.write_bytes(data[:33] + chunk + data[33:])
    drop_png_text(png, NEEDLES)
    assert png.read_bytes() == data


def test_not_the_container_it_claims_is_an_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk"
    junk.write_bytes(b"RIFX" + b"\0" * 20)
    with pytest.raises(ContainerError):
        clean_riff(junk, tmp_path / "o", [], NEEDLES)
    with pytest.raises(ContainerError):
        clean_flac(junk, tmp_path / "o2", NEEDLES)
