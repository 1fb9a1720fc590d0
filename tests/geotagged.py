"""Photos that say where they were taken, in every place a photo can: EXIF GPS rationals, XMP (exif:GPS*,
photoshop:City, an IPTC Extension LocationCreated structure), IPTC-IIM (City, Country) — plus a caption,
credit line and keywords. Written with exiv2 (pyexiv2), as a photographer's tools write them."""

from __future__ import annotations

import io
from pathlib import Path

import pyexiv2
from PIL import Image

from tests.media_tools import make_jpeg

# Hamburg, Speicherstadt: values a byte search can find again in any output that kept them.
LATITUDE = "53/1 32/1 4321/100"  # 53° 32' 43.21" N
LONGITUDE = "9/1 59/1 8765/100"  # 9° 59' 87.65" E (deliberately odd seconds: a unique byte pattern)
XMP_LATITUDE = "53,32.72017N"
XMP_LONGITUDE = "9,59.14583E"
CITY = "Speicherstadtquartier"
COUNTRY = "Deutschland-Testland"
CAPTION = "Harbour cranes at dawn"
CREDIT = "Ada Lovelace / TrustNXT Tests"
KEYWORDS = ["harbour", "cranes", "dawn"]

# As Lightroom and Photo Mechanic write it: exif:GPS* as attributes, IPTC Extension LocationCreated as a
# structure, the caption as a language alternative, the keywords as a bag.
XMP_PACKET = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    exif:GPSLatitude="{XMP_LATITUDE}" exif:GPSLongitude="{XMP_LONGITUDE}"
    photoshop:City="{CITY}" photoshop:Credit="{CREDIT}">
   <photoshop:Country>{COUNTRY}</photoshop:Country>
   <Iptc4xmpExt:LocationCreated>
    <rdf:Bag><rdf:li rdf:parseType="Resource"><Iptc4xmpExt:City>{CITY}</Iptc4xmpExt:City></rdf:li></rdf:Bag>
   </Iptc4xmpExt:LocationCreated>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{CAPTION}</rdf:li></rdf:Alt></dc:description>
   <dc:subject><rdf:Bag>{"".join(f"<rdf:li>{k}</rdf:li>" for k in KEYWORDS)}</rdf:Bag></dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""

LOCATION_TEXTS = (CITY.encode(), COUNTRY.encode(), XMP_LATITUDE.encode(), XMP_LONGITUDE.encode())


def geotag(data: bytes, *, iim: bool = True) -> bytes:
    """`data` (JPEG, PNG, WebP or TIFF bytes) with location, caption, credit and keywords added."""
    with pyexiv2.ImageData(data) as img:
        img.modify_exif({"Exif.GPSInfo.GPSLatitudeRef": "N", "Exif.GPSInfo.GPSLatitude": LATITUDE,
                         "Exif.GPSInfo.GPSLongitudeRef": "E", "Exif.GPSInfo.GPSLongitude": LONGITUDE,
                         "Exif.Image.Make": "TestCam", "Exif.Image.Model": "Model 24",
                         "Exif.Image.Orientation": "6"})
        img.modify_raw_xmp(XMP_PACKET)
        if iim:
            img.modify_iptc({"Iptc.Envelope.CharacterSet": "\x1b%G", "Iptc.Application2.City": CITY,
                             "Iptc.Application2.CountryName": COUNTRY, "Iptc.Application2.Caption": CAPTION})
        return bytes(img.get_bytes())


def geotagged_jpeg(path: Path, width: int = 1200, height: int = 800) -> Path:
    """A photo-like JPEG stored sideways (EXIF orientation 6: shown `height` wide and `width` high)."""
    make_jpeg(path, width, height)
    path.write_bytes(geotag(path.read_bytes()))
    return path


def geotagged_png(path: Path, width: int = 640, height: int = 480) -> Path:
    buf = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).convert("RGB").save(buf, "PNG")
    path.write_bytes(geotag(buf.getvalue(), iim=False))
    return path


def exif_gps_bytes() -> list[bytes]:
    """The EXIF GPS rationals as they sit in a little-endian or big-endian EXIF block (seconds: 4321/100)."""
    return [(4321).to_bytes(4, order) + (100).to_bytes(4, order) for order in ("little", "big")] + \
        [(8765).to_bytes(4, order) + (100).to_bytes(4, order) for order in ("little", "big")]
