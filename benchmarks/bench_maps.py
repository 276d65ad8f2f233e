"""Benchmark the map pipeline on a synthetic year of 10,000 places and 5,000 events.

Prints (see ``benchmarks/README.md`` for a recorded run) the wall time of:

1. building the :class:`geomap.timeline.Timeline` (initial snapshot + events);
2. :meth:`Timeline.state` on every day of the range (and ``state_frame`` on every day);
3. :func:`geomap.geometry.tessellate` (once, default region, one barrier river);
4. areas on every change date in the range: ``control_areas`` + ``frontlines`` +
   ``changes`` against the previous change date (what ``layers(..., previous_states=)``
   returns), the last two given ``cells=`` so that they take the cell-based paths
   (frontlines from the cell adjacency, gains/losses from the changed cells);
5. building and saving the offline slider map (``slider_map`` + ``save_html``);

and the slider file's size beside the naive approach of one full feature set per day,
measured in the same run:

* naive A, per-day areas: the layers of step 4 written as one GeoJSON file per day
  (every day of the range; a day without a change repeats the last change date's
  layers), coordinates rounded to 5 decimals like the slider — written for real;
* naive B, per-day place states: the 10,000 state points with their properties
  (``state_frame``) per day as GeoJSON — written for every ``--sample-every``-th day and
  extrapolated linearly to all days.

The scenario is synthetic and seeded (same ``--seed`` → same scenario): places
scattered over a Syria-sized box (lat 32.5–37.5, lon 35.5–42), four actors whose
initial territories are the Voronoi regions of a few seeds each, a barrier river
across the box, and a year of operations at the fronts (capture, retake, contest,
besiege, lift, withdraw) reported by one to three outlets each, some partisan, some
partial or conflicting.

Usage::

    python benchmarks/bench_maps.py               # 10,000 places, 5,000 events, 365 days
    python benchmarks/bench_maps.py --quick       # 1,000 places, 500 events, 60 days
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import math
import os
import platform
import pstats
import random
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geomap._types import Event, PlaceState
from geomap.actors import ActorRegistry
from geomap.geometry import changes, control_areas, frontlines, tessellate
from geomap.render import save_html, slider_map
from geomap.render.page import geometry_json
from geomap.snapshot import Snapshot
from geomap.timeline import Timeline

START = dt.date(2016, 1, 1)
LAT = (32.5, 37.5)
LON = (35.5, 42.0)
ACTORS = ("gov", "IS", "SDF", "opp")
#: Seeds of the initial territories: (lon, lat, actor).
TERRITORY_SEEDS = (
    (36.4, 33.4, "gov"), (36.6, 34.6, "gov"), (36.3, 35.4, "gov"), (37.4, 33.0, "gov"),
    (37.2, 36.7, "opp"), (36.6, 35.9, "opp"), (35.9, 36.2, "opp"),
    (39.5, 34.6, "IS"), (40.6, 34.6, "IS"), (38.6, 35.6, "IS"), (41.5, 33.2, "IS"),
    (39.5, 36.8, "SDF"), (41.3, 36.7, "SDF"), (40.8, 37.2, "SDF"),
)
#: A barrier river (roughly the Euphrates' course across the box).
RIVER = ((38.0, 36.9), (38.2, 36.0), (39.0, 35.95), (40.1, 35.35), (40.9, 34.45), (41.6, 34.2))
NEUTRAL = ("SOHR", "Reuters", "AP", "AFP", "Enab Baladi", "Deir Ezzor 24")
PARTISAN = {"gov": "SANA", "IS": "Amaq", "SDF": "ANHA", "opp": "Orient News"}
SYLLABLES = ("al", "ab", "tell", "deir", "kafr", "ain", "bir", "jisr", "khan", "qasr", "ma'",
             "sha", "rou", "bagh", "ay", "yash", "hama", "did", "iyah", "zour", "mayad", "een",
             "sukh", "nah", "raq", "qah", "man", "bij", "sab", "khir", "bet", "um")


# ------------------------------------------------------------------ scenario


def place_name(rng: random.Random) -> str:
    n = rng.choice((2, 2, 3))
    word = "".join(rng.choice(SYLLABLES) for _ in range(n)).capitalize()
    prefix = rng.choice(("", "", "", "al-", "Tell ", "Khirbet ", "Deir ", "Ain "))
    return prefix + word


def neighbours(xy: np.ndarray, k: int) -> np.ndarray:
    """The ``k`` nearest other points of every point (grid buckets; O(n))."""
    n = len(xy)
    cell = math.sqrt((LON[1] - LON[0]) * (LAT[1] - LAT[0]) / max(n, 1) * 4)
    keys = np.floor((xy - [LON[0], LAT[0]]) / cell).astype(int)
    buckets: dict[tuple[int, int], list[int]] = {}
    for i, (a, b) in enumerate(keys.tolist()):
        buckets.setdefault((a, b), []).append(i)
    out = np.zeros((n, k), dtype=int)
    for i, (a, b) in enumerate(keys.tolist()):
        r = 1
        while True:
            cand = [j for da in range(-r, r + 1) for db in range(-r, r + 1)
                    for j in buckets.get((a + da, b + db), ()) if j != i]
            if len(cand) >= k or r > 50:
                break
            r += 1
        cand_a = np.asarray(cand)
        d = ((xy[cand_a] - xy[i]) ** 2).sum(axis=1)
        out[i] = cand_a[np.lexsort((cand_a, d))[:k]]
    return out


def make_scenario(n_places: int, n_events: int, days: int, seed: int
                  ) -> tuple[gpd.GeoDataFrame, Snapshot, list[Event]]:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    xy = np.column_stack([nrng.uniform(*LON, n_places), nrng.uniform(*LAT, n_places)])
    xy = np.round(xy, 5)
    ids = [f"p{i:06d}" for i in range(n_places)]
    names = [place_name(rng) for _ in range(n_places)]
    seeds = np.asarray([(x, y) for x, y, _ in TERRITORY_SEEDS])
    owner = ((xy[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    control = [TERRITORY_SEEDS[o][2] for o in owner.tolist()]
    places = gpd.GeoDataFrame(
        {"place_id": ids, "name": names, "lat": xy[:, 1], "lon": xy[:, 0]},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs="EPSG:4326")
    snapshot = Snapshot(
        date=START,
        states=tuple(PlaceState(pid, nm, float(la), float(lo), c, "held", START)
                     for pid, nm, la, lo, c in zip(ids, names, xy[:, 1].tolist(),
                                                   xy[:, 0].tolist(), control, strict=True)))

    nb = neighbours(xy, 8)
    holder = list(control)
    status = ["held"] * n_places
    attacker: list[str | None] = [None] * n_places
    history: list[set[str]] = [{c} for c in control]
    # operations spread over the year, a bit more intense in some months
    weights = [1.0 + 0.8 * math.sin(2 * math.pi * d / max(days, 1) * 3) ** 2 for d in range(days)]
    events: list[Event] = []
    op = 0
    while len(events) < n_events:
        day = rng.choices(range(days), weights=weights)[0]
        date = START + dt.timedelta(days=day)
        for _ in range(50):  # a place at a front
            p = rng.randrange(n_places)
            foes = sorted({holder[q] for q in nb[p]} - {holder[p]})
            if foes:
                break
        else:
            foes = sorted(set(ACTORS) - {holder[p]})
        foe = attacker[p] if attacker[p] in foes else rng.choice(foes)
        r = rng.random()
        old = holder[p]
        extent, confidence = "full", "confirmed"
        if status[p] == "besieged" and r < 0.3:
            action, actor, prev = "siege_lifted", old, None
            status[p], attacker[p] = "held", None
        elif status[p] == "contested" and r < 0.25:
            action, actor, prev = "withdrew", old, None
            holder[p], status[p], attacker[p] = foe, "held", None
        elif r < 0.58:
            action = "retook" if foe in history[p] else "captured"
            actor, prev = foe, old
            extent = "partial" if rng.random() < 0.08 else "full"
            holder[p], status[p], attacker[p] = foe, "held", None
            history[p].add(foe)
        elif r < 0.80:
            action, actor, prev = "contested", foe, old
            status[p], attacker[p] = "contested", foe
        else:
            action, actor, prev = "besieged", foe, None
            status[p], attacker[p] = "besieged", foe
        if rng.random() < 0.03:
            confidence = rng.choice(("claimed", "disputed"))
        precision = rng.choices(("day", "week", "month"), weights=(95, 4, 1))[0]
        n_src = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
        outlets = [rng.choice(NEUTRAL) if rng.random() < 0.7 else PARTISAN[actor]]
        while len(outlets) < n_src:
            o = rng.choice((*NEUTRAL, *PARTISAN.values()))
            if o not in outlets:
                outlets.append(o)
        for k, outlet in enumerate(outlets):
            if len(events) >= n_events:
                break
            row_action, row_extent = action, extent
            if k and action in ("captured", "retook") and rng.random() < 0.15:
                # a second outlet disagrees: only part of it, or still fighting
                if rng.random() < 0.5:
                    row_extent = "partial"
                else:
                    row_action = "contested"
            eid = f"ev{op:05d}-{k}"
            claim = (f"{outlet}: “{actor} forces {row_action.replace('_', ' ')} "
                     f"{names[p]}” ({row_extent})")
            events.append(Event(
                event_id=eid, date=date, place=names[p], action=row_action,  # type: ignore[arg-type]
                actor=actor, date_precision=precision,  # type: ignore[arg-type]
                place_id=ids[p], lat=float(xy[p, 1]), lon=float(xy[p, 0]), previous=prev,
                extent=row_extent, confidence=confidence,  # type: ignore[arg-type]
                sources=(outlet,), url=f"https://example.org/{outlet.replace(' ', '-')}/{eid}",
                claim=claim, place_score=1.0, origin=f"synthetic:{len(events) + 2}"))
        op += 1
    events.sort(key=lambda e: (e.date, e.event_id))
    return places, snapshot, events


# ------------------------------------------------------------------ measuring


class Clock:
    def __init__(self, profile: bool) -> None:
        self.rows: list[tuple[str, float, str]] = []
        self.profile = profile
        self.profiles: dict[str, str] = {}

    @contextmanager
    def __call__(self, label: str, note: str = "") -> Iterator[dict[str, str]]:
        extra = {"note": note}
        prof = cProfile.Profile() if self.profile else None
        t0 = time.perf_counter()
        if prof:
            prof.enable()
        try:
            yield extra
        finally:
            if prof:
                prof.disable()
            elapsed = time.perf_counter() - t0
            self.rows.append((label, elapsed, extra["note"]))
            print(f"  .. {label}: {elapsed:.2f} s", file=sys.stderr, flush=True)
            if prof:
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(25)
                self.profiles[label] = out.getvalue()

    def get(self, label: str) -> float:
        return next(t for name, t, _ in self.rows if name == label)


def feature_collection(features: list[str]) -> str:
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def layer_features(frame: gpd.GeoDataFrame) -> list[str]:
    cols = [c for c in frame.columns if c != "geometry"]
    out = []
    for rec, geom in zip(frame[cols].to_dict("records"), frame.geometry.values, strict=True):
        props = {k: v for k, v in rec.items() if v is not None and v == v}
        out.append(json.dumps({"type": "Feature", "geometry": geometry_json(geom),
                               "properties": props}, separators=(",", ":"), ensure_ascii=False))
    return out


def state_features(states: tuple[PlaceState, ...]) -> list[str]:
    out = []
    for s in states:
        props = {"place_id": s.place_id, "name": s.name, "controller": s.controller,
                 "status": s.status, "since": s.since.isoformat() if s.since else None,
                 "last_event": s.last_event, "sources": "; ".join(s.sources),
                 "contenders": "; ".join(s.contenders), "extent": s.extent,
                 "confidence": s.confidence}
        out.append(json.dumps({"type": "Feature", "geometry": {
            "type": "Point", "coordinates": [round(s.lon, 5), round(s.lat, 5)]},
            "properties": props}, separators=(",", ":"), ensure_ascii=False))
    return out


def write(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f} MiB"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------ main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--places", type=int, default=10_000)
    ap.add_argument("--events", type=int, default=5_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--seed", type=int, default=20160118)
    ap.add_argument("--quick", action="store_true", help="1,000 places, 500 events, 60 days")
    ap.add_argument("--sample-every", type=int, default=10,
                    help="naive B: write every N-th day and extrapolate (default 10)")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile every step and print the top functions of the slow ones")
    ap.add_argument("--keep", type=Path, help="write the slider (and naive files) here")
    args = ap.parse_args(argv)
    if args.quick:
        args.places, args.events, args.days = 1_000, 500, 60
    days = [START + dt.timedelta(days=i) for i in range(args.days)]
    end = days[-1]
    clock = Clock(args.profile)
    registry = ActorRegistry.default()

    t0 = time.perf_counter()
    places, snapshot, events = make_scenario(args.places, args.events, args.days, args.seed)
    t_gen = time.perf_counter() - t0
    river = gpd.GeoDataFrame(geometry=[shapely.LineString(RIVER)], crs="EPSG:4326")
    print(f"  .. scenario generated in {t_gen:.2f} s", file=sys.stderr, flush=True)

    tmp_ctx = tempfile.TemporaryDirectory(prefix="bench_maps_")
    out_dir = args.keep or Path(tmp_ctx.name)
    out_dir.mkdir(parents=True, exist_ok=True)
    naive_a_dir = Path(tmp_ctx.name) / "naive_areas"
    naive_b_dir = Path(tmp_ctx.name) / "naive_states"
    naive_a_dir.mkdir()
    naive_b_dir.mkdir()

    # 1. timeline
    with clock("timeline build"):
        tl = Timeline(events, initial=snapshot, actors=registry)
    n_intervals = sum(1 for _ in tl.intervals())
    change_dates = [d for d in tl.change_dates() if START <= d <= end]
    statuses: dict[str, int] = {}
    for s in tl.state(end):
        statuses[s.status] = statuses.get(s.status, 0) + 1

    # 2. state on every day
    with clock("state() x every day", f"{len(days)} days, forward sweep"):
        for d in days:
            tl.state(d)
    with clock("state_frame() x every day", f"{len(days)} days (GeoDataFrame each)"):
        for d in days:
            tl.state_frame(d)

    # 3. tessellation
    with clock("tessellate (once)", "default region (10 km buffer) + 1 barrier"):
        tess = tessellate(places, barriers=river)

    # 4. areas on every change date
    by_date: dict[dt.date, gpd.GeoDataFrame] = {}
    t_frames = t_areas = t_front = t_changes = 0.0
    with clock("areas x every change date",
               f"{len(change_dates)} change dates of {len(days)} days") as extra:
        prev = None
        for d in change_dates:
            a = time.perf_counter()
            frame = tl.state_frame(d)
            b = time.perf_counter()
            areas = control_areas(tess, frame)
            c = time.perf_counter()
            front = frontlines(areas, cells=tess)
            e = time.perf_counter()
            parts = [areas, front]
            if prev is not None:
                parts.append(changes(prev, areas, cells=tess))
            f = time.perf_counter()
            t_frames += b - a
            t_areas += c - b
            t_front += e - c
            t_changes += f - e
            by_date[d] = gpd.GeoDataFrame(
                pd.concat(parts, ignore_index=True), crs="EPSG:4326")
            prev = areas
        n = max(len(change_dates), 1)
        extra["note"] += (f"; per date: state_frame {t_frames / n * 1e3:.0f} ms, control_areas "
                          f"{t_areas / n * 1e3:.0f} ms, frontlines {t_front / n * 1e3:.0f} ms, "
                          f"changes {t_changes / n * 1e3:.0f} ms")

    # 5. slider
    slider_path = out_dir / "slider.html"
    with clock("slider_map build", f"{len(days)} days, {len(events):,} events, offline"):
        m = slider_map(cells=tess.cells, intervals=tl.intervals(), places=places,
                       events=events, actors=registry, start=START, end=end,
                       title="Synthetic benchmark", offline=True)
    with clock("save_html (render + write)"):
        save_html(m, slider_path)
    slider_size = slider_path.stat().st_size

    # naive A: per-day areas GeoJSON, written for every day
    with clock("naive A: write per-day areas", f"{len(days)} GeoJSON files, written"):
        size_a = 0
        current: str | None = None
        for d in days:
            if d in by_date:
                current = feature_collection(layer_features(by_date[d]))
            if current is None:  # before the first change date: nothing known
                current = feature_collection([])
            size_a += write(naive_a_dir / f"{d.isoformat()}.geojson", current)
    # naive B: per-day state points, sampled
    sample = days[:: max(args.sample_every, 1)]
    with clock("naive B: write sampled per-day states",
               f"{len(sample)} of {len(days)} days written, extrapolated"):
        written_b = 0
        for d in sample:
            written_b += write(naive_b_dir / f"{d.isoformat()}.geojson",
                               feature_collection(state_features(tl.state(d))))
        size_b = written_b / len(sample) * len(days)

    # ------------------------------------------------------------------ report
    e2e = (clock.get("timeline build") + clock.get("tessellate (once)")
           + clock.get("slider_map build") + clock.get("save_html (render + write)"))
    everything = sum(t for label, t, _ in clock.rows if not label.startswith("naive"))
    print()
    print(f"geomap maps benchmark — {dt.date.today().isoformat()}, {platform.node()}, "
          f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), "
          f"geopandas {gpd.__version__}")
    print(f"scenario: {args.places:,} places, {len(events):,} events, {len(days)} days "
          f"({START}…{end}), seed {args.seed}; generated in {t_gen:.1f} s (not counted)")
    print(f"timeline: {len(tl.place_ids):,} places, {n_intervals:,} state intervals, "
          f"{len(change_dates)} change dates; on {end}: "
          + ", ".join(f"{k} {v:,}" for k, v in sorted(statuses.items())))
    print(f"tessellation: {len(tess.cells):,} cells, {len(tess.outside)} places outside")
    print()
    print(f"| {'step':<38} | {'seconds':>8} | note")
    print(f"|{'-' * 40}|{'-' * 10}|{'-' * 40}")
    for label, t, note in clock.rows:
        print(f"| {label:<38} | {t:8.2f} | {note}")
    print()
    print(f"slider file (offline, Leaflet inlined)  {mib(slider_size):>12}  ({slider_size:,} bytes)")
    print(f"naive A: per-day areas GeoJSON x {len(days)}   {mib(size_a):>12}  "
          f"(written: all {len(days)} days)")
    print(f"naive B: per-day state points x {len(days)}   {mib(size_b):>12}  "
          f"(written: {len(sample)} days, extrapolated)")
    ratio_a = slider_size / size_a if size_a else math.inf
    ratio_b = slider_size / size_b if size_b else math.inf
    print(f"ratio slider / naive A                  {ratio_a:12.4f}  (= 1/{1 / ratio_a:.1f}; "
          f"target <= 1/10: {'met' if ratio_a <= 0.1 else 'NOT met'})")
    print(f"ratio slider / naive B                  {ratio_b:12.4f}  (= 1/{1 / ratio_b:.1f}; "
          f"target <= 1/10: {'met' if ratio_b <= 0.1 else 'NOT met'})")
    print()
    print(f"end to end, slider (timeline + tessellate + slider build + save)  {e2e:6.1f} s  "
          f"(target < 60 s: {'met' if e2e < 60 else 'NOT met'})")
    print(f"all measured steps but the naive files (incl. state x days, areas x dates)"
          f"  {everything:6.1f} s  (target < 60 s: {'met' if everything < 60 else 'NOT met'})")
    print(f"peak RSS {peak_rss_mib():,.0f} MiB")
    if args.keep:
        print(f"slider kept at {slider_path}")
    for label, text in clock.profiles.items():
        if clock.get(label) >= 2.0:
            print(f"\n---- profile: {label} ----\n{text}")
    tmp_ctx.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
