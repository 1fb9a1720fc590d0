"""Helpers shared by the benchmarks: synthetic photos, a throwaway identity, timing."""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from trustnxt_desktop.engine import certs
from trustnxt_desktop.engine.identity import IdentityInfo, SigningIdentity


def make_photo(path: Path, width: int, height: int, seed: int, detail: int = 15) -> Path:
    """A camera-like JPEG: gradients plus sensor-like noise, quality 92, with camera EXIF.

    `detail` is the noise sigma: 15 gives ~3.2 bits/pixel (a typical camera JPEG, 24 MP ~ 9.6 MB),
    30 gives ~4.7 bits/pixel (a high-detail scene, 24 MP ~ 14 MB). Decode time follows file size.
    """
    noise = Image.effect_noise((width, height), detail + seed % 3)
    gradient = Image.linear_gradient("L").resize((width, height))
    im = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "BenchCam", f"Model {width * height // 1_000_000} MP"
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92, exif=exif.tobytes())
    path.write_bytes(buf.getvalue())
    return path


def throwaway_identity() -> tuple[SigningIdentity, str, str, str]:
    """An in-memory identity for timing only (never stored): (identity, chain PEM, plain key PEM, root PEM)."""
    from cryptography.hazmat.primitives import serialization

    issued = certs.issue_identity("Bench", "TrustNXT Bench")
    chain = certs.to_pem([issued.leaf, issued.root])
    key_pem = issued.leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()).decode()
    info = IdentityInfo("local", "Bench", None, "", "ES256", certs.fingerprint(issued.leaf), "", "", "", "")
    return SigningIdentity(info, chain, issued.leaf_key), chain, key_pem, certs.to_pem([issued.root])


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)
