"""Files in every protectable media format that reveal a position, a serial number and an owner, written where
each format keeps them — EXIF GPS rationals, XMP, QuickTime GPS, an embedded thumbnail's own EXIF, RIFF
chunks, ID3 frames, Vorbis comments — and the byte patterns of those values, to search outputs for.

ExifTool writes the formats it can; the RIFF, ID3 and FLAC metadata are put together byte by byte here."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
from pathlib import Path

from PIL import Image

from tests.conftest import CORPUS

# Belém tower, Lisbon (south-west of the nearest city's centre: west longitude, a negative number).
LAT, LON = 38.691584, -9.215977
SERIAL = "SN7734XQ19"
OWNER = "Jane Q. Source"
TEXTS = ("38.6915", "9.2159", "38,41.4", "9,12.9", SERIAL, OWNER)  # decimal degrees cut to 4 places

XMP = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:aux="http://ns.adobe.com/exif/1.0/aux/"
 exif:GPSLatitude="38,41.49504N" exif:GPSLongitude="9,12.95862W" aux:SerialNumber="{SERIAL}"
 aux:OwnerName="{OWNER}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""

EXIFTOOL_ARGS = [f"-GPSLatitude={LAT}", "-GPSLatitudeRef=N", f"-GPSLongitude={abs(LON)}", "-GPSLongitudeRef=W",
                 f"-XMP-exif:GPSLatitude={LAT}", f"-XMP-exif:GPSLongitude={LON}", f"-Keys:GPSCoordinates={LAT}, {LON}",
                 f"-UserData:GPSCoordinates={LAT}, {LON}", f"-SerialNumber={SERIAL}", f"-XMP-aux:SerialNumber={SERIAL}",
                 f"-OwnerName={OWNER}", f"-XMP-aux:OwnerName={OWNER}", "-Make=TestCam", "-Model=Model 24"]

# name in the corpus (or "jxl": made from a PNG with cjxl) -> how its metadata is written
FORMATS = {"sample1.jpg": "exiftool", "sample1.png": "exiftool", "test.tiff": "exiftool", "sample1.gif": "exiftool",
           "sample1.avif": "exiftool", "sample1.heic": "exiftool", "sample1.m4a": "exiftool",
           "video1_no_manifest.mp4": "exiftool", "c.mov": "exiftool", "sample1.jxl": "exiftool",
           "sample1.webp": "riff", "sample1.wav": "riff", "sample1.mp3": "id3", "sample1.flac": "flac"}


def exiftool(*args: str) -> bytes:
    return subprocess.run(["exiftool", "-config", "", *args], check=True, capture_output=True).stdout


def revealing_file(name: str, folder: Path) -> Path:
    """A copy of the corpus file `name` (JPEG: made here, with a thumbnail) that reveals LAT/LON, SERIAL and OWNER."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if name == "sample1.jpg":
        _jpeg_with_thumbnail(target)
        return target
    if name == "sample1.jxl":
        png = folder / "jxl-source.png"
        Image.linear_gradient("L").resize((64, 48)).convert("RGB").save(png)
        subprocess.run(["cjxl", "--container=1", str(png), str(folder / "bare.jxl")], check=True, capture_output=True)
        exiftool(*EXIFTOOL_ARGS, "-o", str(target), str(folder / "bare.jxl"))
        return target
    source = CORPUS / "media" / name
    how = FORMATS[name]
    if how == "exiftool":
        exiftool("-m", *EXIFTOOL_ARGS, "-o", str(target), str(source))
    elif how == "riff" and name.endswith(".webp"):
        buf = io.BytesIO()
        Image.open(source).save(buf, "WEBP", exif=exif_block(), xmp=XMP.encode())
        target.write_bytes(buf.getvalue())
    elif how == "riff":
        info = b"INFO" + _chunk(b"IART", OWNER.encode() + b"\0")
        target.write_bytes(_riff_with(source.read_bytes(), [(b"_PMX", XMP.encode()), (b"LIST", info)]))
    elif how == "id3":
        target.write_bytes(_id3(source.read_bytes()))
    else:
        target.write_bytes(_flac(source.read_bytes()))
    return target


def exif_block() -> bytes:
    """A TIFF-structured EXIF block with the GPS position, serial and owner (written by ExifTool)."""
    scratch = Path(subprocess.run(["mktemp", "-d"], check=True, capture_output=True, text=True).stdout.strip())
    try:
        _jpeg_with_thumbnail(scratch / "x.jpg", thumbnail=False)
        return exiftool("-b", "-EXIF", str(scratch / "x.jpg"))
    finally:
        shutil.rmtree(scratch)


def _jpeg_with_thumbnail(target: Path, thumbnail: bool = True) -> None:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((640, 480)).convert("RGB").save(buf, "JPEG", quality=85)
    plain = target.with_name("plain-" + target.name)
    plain.write_bytes(buf.getvalue())
    exiftool(*EXIFTOOL_ARGS, "-o", str(target), str(plain))
    if thumbnail:  # an embedded thumbnail that has its own EXIF with the position, as some cameras write it
        thumb = target.with_name("thumb-" + target.name)
        small = io.BytesIO()
        Image.linear_gradient("L").resize((160, 120)).convert("RGB").save(small, "JPEG", quality=80)
        thumb.write_bytes(small.getvalue())
        exiftool("-overwrite_original", f"-GPSLatitude={LAT}", "-GPSLatitudeRef=N", f"-GPSLongitude={abs(LON)}",
                 "-GPSLongitudeRef=W", f"-SerialNumber={SERIAL}", str(thumb))
        exiftool("-overwrite_original", f"-ThumbnailImage<={thumb}", str(target))
        thumb.unlink()
    plain.unlink()


def _chunk(cid: bytes, payload: bytes) -> bytes:
    return cid + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) & 1 else b"")


def _riff_with(data: bytes, extra: list[tuple[bytes, bytes]]) -> bytes:
    body = data[12:8 + struct.unpack("<I", data[4:8])[0]] + b"".join(_chunk(c, p) for c, p in extra)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + data[8:12] + body


def _id3(data: bytes) -> bytes:
    """`data` with any ID3v2 tag replaced by one (v2.3) holding the position, serial and owner."""
    if data[:3] == b"ID3":
        size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
        data = data[10 + size:]

    def frame(fid: bytes, payload: bytes) -> bytes:
        return fid + struct.pack(">I", len(payload)) + b"\0\0" + payload

    def txxx(desc: str, value: str) -> bytes:
        return frame(b"TXXX", b"\x01" + (desc + "\0").encode("utf-16") + value.encode("utf-16"))

    frames = (txxx("GPS", f"{LAT}, {LON}") + txxx("Serial", SERIAL) + frame(b"TPE1", b"\x00" + OWNER.encode())
              + frame(b"PRIV", b"XMP\0" + XMP.encode()))
    n = len(frames)
    return b"ID3\x03\x00\x00" + bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F]) + frames + data


def _flac(data: bytes) -> bytes:
    """`data` with a Vorbis comment block (RFC 9639) holding the position, serial and owner first after STREAMINFO."""
    assert data[:4] == b"fLaC"
    size = int.from_bytes(data[5:8], "big")
    streaminfo = bytes([data[4] & 0x7F]) + data[5:8 + size][0:3] + data[8:8 + size]
    rest, last = data[8 + size:], bool(data[4] & 0x80)
    comments = [f"LOCATION={LAT}, {LON}", f"GPS_LATITUDE={LAT}", f"SERIAL={SERIAL}", f"ARTIST={OWNER}", "TITLE=Waves"]
    body = struct.pack("<I", 4) + b"test" + struct.pack("<I", len(comments))
    body += b"".join(struct.pack("<I", len(c.encode())) + c.encode() for c in comments)
    block = bytes([4 | (0x80 if last else 0)]) + len(body).to_bytes(3, "big") + body
    return b"fLaC" + streaminfo + block + rest


def needles(path: Path) -> list[bytes]:
    """Byte patterns of the values to find: the texts (UTF-8 and UTF-16) and the EXIF GPS rationals as they are
    stored in this file's EXIF (both byte orders)."""
    found = [t.encode() for t in TEXTS] + [t.encode("utf-16-le") for t in (SERIAL, OWNER)]
    try:
        block = exiftool("-b", "-EXIF", str(path))
    except subprocess.CalledProcessError:
        block = b""
    if block:
        exif = Image.Exif()
        exif.load(block)
        gps = exif.get_ifd(0x8825)
        for tag in (2, 4):  # GPSLatitude, GPSLongitude: three rationals each; the seconds are the telling one
            seconds = gps.get(tag, (0, 0, 0))[2]
            if seconds:
                for order in "<>":
                    found.append(struct.pack(f"{order}II", seconds.numerator, seconds.denominator))
    return found


def found_in(path: Path, patterns: list[bytes]) -> list[bytes]:
    data = path.read_bytes()
    return [p for p in patterns if p in data]
