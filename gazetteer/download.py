"""Download GeoNames dump files for users who are online (``gazetteer download``)."""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from gazetteer.exc import DownloadError

__all__ = ["GEONAMES_DUMP_URL", "download_geonames"]

GEONAMES_DUMP_URL = "https://download.geonames.org/export/dump/"
"""Where GeoNames publishes its daily dumps (CC BY 4.0)."""


def download_geonames(
    country: str, output_dir: str | os.PathLike[str] = ".", *, base_url: str | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download ``<CC>.zip`` of GeoNames and extract ``<CC>.txt`` into ``output_dir``.

    The file is written under a temporary name and renamed when complete.
    ``base_url`` (default :data:`GEONAMES_DUMP_URL`) may be any URL urllib opens,
    e.g. a ``file://`` mirror.

    Raises
    ------
    DownloadError
        When the download fails or the archive does not hold ``<CC>.txt``.
    """
    cc = country.upper()
    if len(cc) != 2 or not cc.isalpha():
        msg = f"not a two-letter country code: {country!r}"
        raise DownloadError(msg)
    url = (base_url or GEONAMES_DUMP_URL).rstrip("/") + f"/{cc}.zip"
    out_dir = Path(output_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{cc}.txt"
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".download-") as tmp:
        zpath = Path(tmp) / f"{cc}.zip"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as resp, open(zpath, "wb") as f:
                shutil.copyfileobj(resp, f)
        except (urllib.error.URLError, OSError, ValueError) as e:
            msg = f"{url}: download failed: {getattr(e, 'reason', e)}"
            raise DownloadError(msg) from None
        try:
            with zipfile.ZipFile(zpath) as z:
                if f"{cc}.txt" not in z.namelist():
                    msg = f"{url}: the archive holds no {cc}.txt"
                    raise DownloadError(msg)
                z.extract(f"{cc}.txt", tmp)
        except zipfile.BadZipFile:
            msg = f"{url}: not a zip archive"
            raise DownloadError(msg) from None
        os.replace(Path(tmp) / f"{cc}.txt", target)
    return target
