from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections import Counter
from pathlib import Path

import pytest

from geomap.cli import main
from geomap.png import BrowserError, find_chromium, needs_network, snapshot_png

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "examples" / "deir-ez-zor-2016"


def decode_png(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG with the standard library."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6)
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    pixels = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        pixels.extend(tuple(line[x * bpp:x * bpp + 3]) for x in range(width))
        prev = line
    return width, height, pixels


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _near(pixels: Counter, colour: tuple[int, int, int], tol: int = 6) -> int:
    return sum(n for px, n in pixels.items()
               if all(abs(px[k] - colour[k]) <= tol for k in range(3)))


def test_decoder_against_a_hand_made_png():
    # 2x2 RGB, rows with filters 1 (sub) and 4 (paeth)
    rows = [b"\x01" + bytes([10, 20, 30, 5, 5, 5]), b"\x04" + bytes([1, 1, 1, 2, 2, 2])]
    raw = zlib.compress(b"".join(rows))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", raw) + chunk(b"IEND", b""))
    assert decode_png(png) == (2, 2, [(10, 20, 30), (15, 25, 35), (11, 21, 31), (17, 27, 37)])


def test_missing_chromium_is_a_clear_error(tmp_path, monkeypatch, capsys):
    html = tmp_path / "m.html"
    html.write_text("<!DOCTYPE html><p>x</p>", encoding="utf-8")
    monkeypatch.setenv("GEOMAP_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(BrowserError, match="Chromium not found"):
        find_chromium()
    with pytest.raises(BrowserError, match="apt-get install chromium"):
        snapshot_png(html, tmp_path / "m.png")
    assert main(["snapshot", str(html), "-o", str(tmp_path / "m.png")]) == 2
    assert "Chromium not found" in capsys.readouterr().err
    assert not (tmp_path / "m.png").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.html"]


def test_needs_network():
    assert needs_network("<link rel='stylesheet' href='http://x/y.css'>")
    assert needs_network('L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png")')
    assert not needs_network('<p><a href="https://x.org">a link is no request</a></p>')


@pytest.fixture(scope="module")
def seed_map(tmp_path_factory):
    from _browser import chromium_path

    chromium_path()  # skip (or fail in CI) without chromium
    out = tmp_path_factory.mktemp("png") / "seed.html"
    args = [str(SEED / "events.csv"), "--initial", str(SEED / "initial.csv"),
            "--barrier", str(SEED / "euphrates.geojson"), "--date", "2016-01-18",
            "--offline", "-o", str(out)]
    assert main(["render", *args]) == 0
    return out


@pytest.mark.browser
def test_png_of_the_seed_map_shows_the_controllers(seed_map, tmp_path):
    from geomap.actors import ActorRegistry

    png = snapshot_png(seed_map, tmp_path / "seed.png", width=640, height=480)
    assert png == tmp_path / "seed.png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seed.png"]  # no temp file left
    width, height, pixels = decode_png(png.read_bytes())
    assert (width, height) == (640, 480)
    counts = Counter(pixels)
    top, n = counts.most_common(1)[0]
    assert n < 0.8 * len(pixels), f"mostly one colour {top}"
    assert len(counts) > 50
    actors = ActorRegistry.default()
    for actor in ("gov", "IS"):
        colour = _rgb(actors.colour(actor))
        assert _near(counts, colour) >= 40, (actor, colour)
    # the places are drawn: the government's red does not appear in an empty map
    empty = tmp_path / "empty.html"
    empty.write_text("<!DOCTYPE html><body style='background:#fff'></body>", encoding="utf-8")
    _, _, blank = decode_png(snapshot_png(empty, tmp_path / "e.png", width=64, height=48)
                             .read_bytes())
    assert set(blank) == {(255, 255, 255)}


@pytest.mark.browser
def test_snapshot_cli_and_report_png(seed_map, tmp_path):
    out = tmp_path / "map.png"
    assert main(["snapshot", str(seed_map), "-o", str(out), "--width", "320",
                 "--height", "200"]) == 0
    width, height, _ = decode_png(out.read_bytes())
    assert (width, height) == (320, 200)
    from geomap.report import build_report
    from geomap.scenario import load_scenario

    sc = load_scenario(SEED / "events.csv", initial=SEED / "initial.csv")
    rep = build_report(sc, date=dt.date(2016, 1, 18), offline=True, resolutions=[])
    page = rep.save(tmp_path / "r.html")
    full = snapshot_png(page, tmp_path / "r.png", width=400, height=300, full_page=True)
    data = full.read_bytes()
    w, h = struct.unpack(">II", data[16:24])  # IHDR
    assert w >= 400 and h > 1000  # the whole report, not only the viewport
