"""The certificates a file's manifest stores carry, read from its bytes: which trust anchors could possibly
validate them.

A claim signature is a COSE_Sign1 (RFC 9052) whose `x5chain` header (label 33, RFC 9360; "x5chain" in C2PA
1.x) holds the signing certificate and its intermediates as DER byte strings, leaf first (C2PA 2.x, 14.5
"X.509 certificates"). Its time-stamp tokens sit in the `sigTst`/`sigTst2` header as {"tstTokens": [{"val":
TimeStampToken}]}, each a CMS SignedData (RFC 3161 §2.4.2) that normally carries the time-stamp authority's
certificates. An anchor can end a certification path only where its subject names the issuer of a
certificate on the path (RFC 5280 §6.1 name chaining, key identifiers as a hint, §4.2.1.1): anchors whose
name and key identifier match none of these certificates cannot change a validator's answer.

The bytes are read as they lie in the file, and only within the manifest store (the first JUMBF superbox
whose description box has the C2PA store's UUID, C2PA 2.x 11.1.4.1): a chain or token split by the
container (a JPEG's APP11 segments, a GIF's sub-blocks, a compressed stream), or outside the store, simply
does not parse and is not found. So what is found is a hint; `covers` says, from a validator's answer,
whether every signing certificate it judged was the leaf of a chain found whole (and every time-stamped
manifest had a whole token). Only then may an answer given with fewer anchors stand for the answer with
all of them.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7

from ..domain.regular_files import open_regular
from . import locate

_X5CHAIN_KEYS = (b"\x18\x21", b"\x67x5chain")  # CBOR: unsigned 33, text "x5chain"
_TOKENS_KEY = b"\x69tstTokens"  # CBOR text "tstTokens"
_VAL_KEY = b"\x63val"
_MAX_CHAIN = 16
_SIGNATURE_LABEL = b"c2pa.signature\x00"
# A JUMBF description box (type "jumd") whose UUID begins with "c2pa": the manifest store's (C2PA 2.x, 11.1.4.1);
# its superbox header (length, type "jumb") is the 8 bytes before the description box's own (length).
_STORE_DESCRIPTION = b"jumdc2pa"
# What a container may add inside a store's bytes: a JPEG's APP11 segment headers repeat 20 bytes per segment
# of at most 64 KiB (ISO/IEC 19566-5 annex, JPEG XT box transport); allowed per 64 KiB of the store, generously.
_CONTAINER_OVERHEAD = 64
SIGNATURE_WINDOW = 256 * 1024
# The most read of a file too big to hold when looking for its certificates (find_in_file): stores are far smaller.
STORE_LIMIT = 64 * 1024 ** 2
# After the label's NUL: an optional ID (4 bytes), signature (32) and private box, then the content box.
_DESCRIPTION_TAIL = 128


@dataclass(frozen=True)
class Described:
    """What matching needs of one certificate: its serial number, name_key() of its subject and issuer, and
    its subject and authority key identifiers."""

    serial: int
    names: frozenset[str]
    key_ids: frozenset[bytes]


@dataclass(frozen=True)
class Chains:
    """What the bytes carry: the serial numbers of the leaves of the whole x5chains, how many tstTokens
    arrays were read whole (`partial_tokens`: one was found that was not), the names and key
    identifiers of every certificate of those chains and tokens, each whole x5chain as DER
    certificates, leaf first (`x5chains`), and per x5chain leaf (DER) the DER certificates of the time-stamp
    tokens in the same claim signature (`token_certs`: the authorities a revocation check asks about)."""

    leaves: frozenset[int] = frozenset()
    tokens: int = 0
    partial_tokens: bool = False
    names: frozenset[str] = field(default=frozenset())
    key_ids: frozenset[bytes] = field(default=frozenset())
    x5chains: tuple[tuple[bytes, ...], ...] = ()
    token_certs: tuple[tuple[bytes, tuple[bytes, ...]], ...] = ()

    def tokens_of(self, leaf: bytes) -> tuple[bytes, ...]:
        """The certificates (DER) of the time-stamp tokens signed beside the x5chain whose leaf is `leaf`."""
        return tuple(dict.fromkeys(der for chain_leaf, ders in self.token_certs if chain_leaf == leaf
                                   for der in ders))

    def covers(self, signing_serials: Iterable[int], time_stamped_manifests: int) -> bool:
        """Whether an answer about these signing certificates (serial numbers) and this many manifests with a
        time-stamp result can be trusted to have seen every certificate it judged."""
        return (all(s in self.leaves for s in signing_serials) and not self.partial_tokens
                and time_stamped_manifests <= self.tokens)


def name_key(name: x509.Name) -> str:
    """A loose key for a distinguished name: its common name, case-folded (the whole name when it has none).
    Equal names always have equal keys, so matching by key never misses an anchor a validator would match."""
    cn = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    value = cn[0].value if cn else name.rfc4514_string()
    return (value.decode("utf-8", "replace") if isinstance(value, bytes) else value).strip().casefold()


def describe(cert: x509.Certificate) -> Described:
    ids: set[bytes] = set()
    try:
        ids.add(cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest)
    except (x509.ExtensionNotFound, ValueError):
        pass
    try:
        aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
        if aki:
            ids.add(aki)
    except (x509.ExtensionNotFound, ValueError):
        pass
    return Described(cert.serial_number, frozenset((name_key(cert.subject), name_key(cert.issuer))), frozenset(ids))


@lru_cache(maxsize=512)
def _described_der(der: bytes) -> Described | None:
    """describe() of a DER certificate; None when it does not parse. Cached: a batch meets the same signers'
    and time-stamp authorities' certificates again and again."""
    try:
        return describe(x509.load_der_x509_certificate(der))
    except ValueError:
        return None


def find(data: bytes) -> Chains:
    """The whole x5chains and time-stamp tokens of the manifest store in `data` (any container; nothing is
    decompressed)."""
    certs: list[Described] = []
    leaves: set[int] = set()
    x5chains: dict[tuple[bytes, ...], None] = {}  # in the order found, each once
    tokens, partial = 0, False
    token_certs: list[tuple[bytes, tuple[bytes, ...]]] = []
    for start, end in _signature_boxes(data):
        box_leaves: list[bytes] = []
        box_tokens: list[bytes] = []
        for key in _X5CHAIN_KEYS:
            at = data.find(key, start, end)
            while at != -1:
                chain = _x5chain(data, at + len(key))
                if chain:
                    certs.extend(described for described, _der in chain)
                    leaves.add(chain[0][0].serial)
                    x5chains[tuple(der for _described, der in chain)] = None
                    box_leaves.append(chain[0][1])
                at = data.find(key, at + 1, end)
        at = data.find(_TOKENS_KEY, start, end)
        while at != -1:
            found = _tokens(data, at + len(_TOKENS_KEY))
            if found is None:
                partial = True
            else:
                tokens += 1
                certs.extend(described for described, _der in found)
                box_tokens.extend(der for _described, der in found)
            at = data.find(_TOKENS_KEY, at + 1, end)
        token_certs.extend((leaf, tuple(box_tokens)) for leaf in box_leaves if box_tokens)
    return Chains(frozenset(leaves), tokens, partial, frozenset(n for c in certs for n in c.names),
                  frozenset(k for c in certs for k in c.key_ids), tuple(x5chains), tuple(token_certs))


def find_in_file(path: Path) -> Chains:
    """find() for a file too big to hold in memory: only its manifest store is read, from the superbox header
    before the first store description (found by streaming the file, locate.first_offset) as far as the
    superbox's length says plus SIGNATURE_WINDOW, at most STORE_LIMIT bytes. For a store whose boxes lie within
    its length, the same answer as find() on the whole file's bytes. Raises OSError when the file cannot be
    read; a FIFO, socket or device is never opened (open_regular)."""
    with open_regular(path) as f:
        at = locate.first_offset(f, _STORE_DESCRIPTION)
        if at is None:
            return Chains()
        start = max(0, at - 12)
        f.seek(start)
        extent = _store_extent(f.read(8)) if at >= 12 else None
        f.seek(start)
        return find(f.read(STORE_LIMIT if extent is None else min(STORE_LIMIT, extent + SIGNATURE_WINDOW)))


def cose_x5chain(sign1: bytes) -> tuple[bytes, ...]:
    """The first whole x5chain (DER, leaf first) in the bytes of one COSE_Sign1 (RFC 9052; x5chain header, RFC
    9360), e.g. the signature of a CAWG X.509 identity assertion (CAWG identity assertion 1.1 §8.2); () when
    none parses."""
    for key in _X5CHAIN_KEYS:
        at = sign1.find(key)
        while at != -1:
            chain = _x5chain(sign1, at + len(key))
            if chain:
                return tuple(der for _described, der in chain)
            at = sign1.find(key, at + 1)
    return ()


def store_span(data: bytes) -> tuple[int, int] | None:
    """Where the manifest store lies in `data`: (start, end) of the first JUMBF superbox described as the C2PA
    manifest store (ISO/IEC 19566-5: a box is its length, its type, its contents; length 0 runs to the end),
    widened by what a JPEG's APP11 segment headers add; None when there is none. A superbox header that does
    not read as one runs the span to the end of the bytes."""
    at = data.find(_STORE_DESCRIPTION)
    if at == -1:
        return None
    start = at - 12
    extent = _store_extent(data[start:at - 4]) if start >= 0 else None
    if extent is None:
        return max(0, start), len(data)
    return start, min(len(data), start + extent)


def _store_extent(header: bytes) -> int | None:
    """How many bytes from its start a store may span, from its superbox header (`header`: length, type "jumb"),
    widened by what a container may add; None: to the end of the bytes."""
    length = int.from_bytes(header[:4], "big") if header[4:8] == b"jumb" else 0
    if length < 16:  # 0: to the end (ISO/IEC 19566-5); 1 (a 64-bit length) and nonsense alike: searched to the end
        return None
    return length + _CONTAINER_OVERHEAD * (length // 65536 + 2)


def _signature_boxes(data: bytes) -> list[tuple[int, int]]:
    """The contents of the claim signature boxes of the manifest store (store_span): after each JUMBF
    description labelled "c2pa.signature" (C2PA 2.x, 11.1.4.4), the content box of type "cbor" that holds the
    COSE_Sign1. A box whose length does not fit the bytes is searched over the next SIGNATURE_WINDOW bytes
    instead."""
    boxes: list[tuple[int, int]] = []
    span = store_span(data)
    if span is None:
        return boxes
    at = data.find(_SIGNATURE_LABEL, *span)
    while at != -1:
        content = data.find(b"cbor", at, at + _DESCRIPTION_TAIL)
        size = int.from_bytes(data[content - 4:content], "big") if content >= 4 else 0
        start, end = (content + 4, content - 4 + size) if 8 < size and content - 4 + size <= len(data) \
            else (at, min(len(data), at + SIGNATURE_WINDOW))
        if boxes and start <= boxes[-1][1]:  # overlapping ranges are searched once
            boxes[-1] = (boxes[-1][0], max(end, boxes[-1][1]))
        else:
            boxes.append((start, end))
        at = data.find(_SIGNATURE_LABEL, at + 1, span[1])
    return boxes


def may_validate(anchor: Described, subject: str, chains: Chains) -> bool:
    """Whether an anchor (described, `subject`: name_key() of its subject) could end a path from one of the
    certificates found: its subject is one of their names, or its key identifiers are among theirs."""
    return subject in chains.names or bool(anchor.key_ids & chains.key_ids)


def _head(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """A CBOR item head at `pos` (RFC 8949 §3): (major type, argument, position after the head)."""
    if pos >= len(data):
        return None
    first = data[pos]
    major, info = first >> 5, first & 0x1F
    if info < 24:
        return major, info, pos + 1
    width = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if width is None or pos + 1 + width > len(data):
        return None
    return major, int.from_bytes(data[pos + 1:pos + 1 + width], "big"), pos + 1 + width


def _bstr(data: bytes, pos: int) -> tuple[bytes, int] | None:
    """A CBOR byte string at `pos` that holds exactly one DER SEQUENCE (a certificate, a token): (its bytes,
    the position after it). Checked before anything is copied: most candidates are random bytes."""
    head = _head(data, pos)
    if head is None or head[0] != 2 or head[2] + head[1] > len(data) or data[head[2]:head[2] + 1] != b"\x30":
        return None
    length = _der_length(data, head[2] + 1)
    if length is None or length[1] + length[0] != head[2] + head[1]:
        return None
    return data[head[2]:head[2] + head[1]], head[2] + head[1]


def _x5chain(data: bytes, pos: int) -> list[tuple[Described, bytes]] | None:
    """The x5chain value at `pos`: one DER certificate, or an array of them (RFC 9360 §2); each described,
    with its DER."""
    head = _head(data, pos)
    if head is None:
        return None
    if head[0] == 4:
        count, pos = head[1], head[2]
        if not 0 < count <= _MAX_CHAIN:
            return None
    else:
        count = 1
    chain = []
    for _ in range(count):
        item = _bstr(data, pos)
        if item is None:
            return None
        der, pos = item
        described = _described_der(der)
        if described is None:
            return None
        chain.append((described, der))
    return chain


def _tokens(data: bytes, pos: int) -> list[tuple[Described, bytes]] | None:
    """The certificates (described, DER) of every token of a tstTokens array at `pos` ([{"val": bstr}], C2PA 2.x
    10.3.2.5); None unless every token parses and carries certificates."""
    head = _head(data, pos)
    if head is None or head[0] != 4 or not 0 < head[1] <= _MAX_CHAIN:
        return None
    certs: list[tuple[Described, bytes]] = []
    pos = head[2]
    for _ in range(head[1]):
        entry = _head(data, pos)
        if entry is None or entry[0] != 5 or entry[1] != 1 or data[entry[2]:entry[2] + len(_VAL_KEY)] != _VAL_KEY:
            return None
        item = _bstr(data, entry[2] + len(_VAL_KEY))
        if item is None:
            return None
        token, pos = item
        found = _token_described(token)
        if not found:
            return None
        certs.extend(found)
    return certs


@lru_cache(maxsize=256)
def _token_described(token: bytes) -> tuple[tuple[Described, bytes], ...]:
    """describe() and the DER of each certificate of a time-stamp token; cached, as a batch meets the same tokens'
    authorities again and again (and parsing the CMS structure costs more than hashing its bytes)."""
    pairs = [(c, c.public_bytes(Encoding.DER)) for c in _token_certificates(token)]
    return tuple((_described_der(der) or describe(c), der) for c, der in pairs)


def _token_certificates(token: bytes) -> list[x509.Certificate]:
    """The certificates of a TimeStampToken, or of the TimeStampResp that C2PA 1.x stores in its place
    (SEQUENCE {PKIStatusInfo, TimeStampToken}, RFC 3161 §2.4.2); [] when neither parses."""
    for candidate in (token, _second_element(token)):
        if candidate:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # BER set ordering in some authorities' tokens
                    return pkcs7.load_der_pkcs7_certificates(candidate)
            except ValueError:
                continue
    return []


def _der_length(data: bytes, pos: int) -> tuple[int, int] | None:
    """A DER length at `pos` (X.690 8.1.3): (length, position after it)."""
    if pos >= len(data):
        return None
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    width = first & 0x7F
    if not 0 < width <= 4 or pos + 1 + width > len(data):
        return None
    return int.from_bytes(data[pos + 1:pos + 1 + width], "big"), pos + 1 + width


def _second_element(der: bytes) -> bytes | None:
    """The second element of a DER SEQUENCE, with its tag and length."""
    outer = _der_length(der, 1) if der[:1] == b"\x30" else None
    first = _der_length(der, outer[1] + 1) if outer else None
    if first is None:
        return None
    start = first[1] + first[0]
    second = _der_length(der, start + 1)
    return der[start:second[1] + second[0]] if second and second[1] + second[0] <= len(der) else None


_LABEL_IN_URL = re.compile(r"/c2pa/([^/]+)")


def time_stamped_labels(*sections: Any) -> set[str]:
    """The manifests (labels; "" when the address names none) that have a time-stamp result — any timeStamp.*
    code — anywhere in these parts of a validator's JSON answer (c2pa-rs nests validation results deeply)."""
    labels: set[str] = set()
    nodes = list(sections)
    while nodes:
        node = nodes.pop()
        if isinstance(node, dict):
            code = node.get("code")
            if isinstance(code, str) and code.startswith("timeStamp."):
                found = _LABEL_IN_URL.search(str(node.get("url") or ""))
                labels.add(found.group(1) if found else "")
            else:
                nodes.extend(node.values())
        elif isinstance(node, list):
            nodes.extend(node)
    return labels


__all__ = ["Chains", "Described", "describe", "find", "may_validate", "name_key", "store_span", "time_stamped_labels"]
