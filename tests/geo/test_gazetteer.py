"""Gazetteer lookups: transliteration variants, regions vs cities, supplement and user files."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontwire.config import Settings
from frontwire.errors import ResourceError
from frontwire.geo import load_gazetteer
from frontwire.geo.normalise import loose_key
from frontwire.geo.resolve import resolve_name


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer(Settings())


def test_gazetteer_loose_key_merges_transliterations():
    assert loose_key("Avdiivka") == loose_key("Avdiyivka")
    assert loose_key("Mar'yinka") == loose_key("Marinka")
    assert loose_key("Zaporizhzhia") == loose_key("Zaporizhzhya")
    assert loose_key("Odessa") == loose_key("Odesa")
    assert loose_key("Chasiv-Yar") == loose_key("Chasiv Yar")
    assert loose_key("Kramators’k") == loose_key("Kramatorsk")


@pytest.mark.parametrize(
    ("variant", "geonameid"),
    [
        ("Artemivsk", 713174),  # Bakhmut's Soviet name
        ("Artyomovsk", 713174),
        ("Kiev", 703448),
        ("Kharkov", 706483),
        ("Ugledar", 690823),
        ("Sievierodonetsk", 691999),  # added by the supplement's alias row
    ],
)
def test_gazetteer_variants_resolve_to_the_same_place(gaz, variant, geonameid):
    place = resolve_name(gaz, variant, country="UA")
    assert place is not None
    assert place.place_id == f"geonames:{geonameid}"


def test_gazetteer_avdiivka_prefers_the_donetsk_town_by_context(gaz):
    # Three Avdiyivkas exist; the oblast given as context picks the front-line one.
    place = resolve_name(gaz, "Avdiivka", country="Ukraine", admin1="Donetsk Oblast")
    assert place is not None and place.place_id == "geonames:713122"
    assert place.admin1 == "Donetsk"


def test_gazetteer_region_vs_city(gaz):
    region = resolve_name(gaz, "Donetsk Oblast")
    city = resolve_name(gaz, "Donetsk", country="UA")
    assert region is not None and region.feature == "admin1" and region.precision == 3
    assert region.place_id == "geonames:709716"
    assert city is not None and city.feature == "city" and city.precision == 1
    assert city.place_id == "geonames:709717"
    kharkiv_region = resolve_name(gaz, "Kharkiv oblast")
    assert (
        kharkiv_region is not None and kharkiv_region.feature == "admin1" and kharkiv_region.country == "UA"
    )


def test_gazetteer_admin1_names_in_local_spelling(gaz):
    # Province names as analysts write them: Ukrainian adjectival form, one-z spelling.
    place = resolve_name(gaz, "Kramatorsk", country="UA", admin1="Donets'ka oblast")
    assert place is not None and place.admin1 == "Donetsk"
    place = resolve_name(gaz, "Enerhodar", country="UA", admin1="Zaporizhia Oblast")
    assert place is not None and abs(place.lat - 47.49) < 0.1


def test_gazetteer_supplement_has_front_line_villages(gaz):
    place = resolve_name(gaz, "Kleshcheevka", country="UA")  # Russian-style spelling of Klishchiivka
    assert place is not None and place.place_id == "frontwire:klishchiivka"
    assert place.feature == "village" and place.admin1 == "Donetsk"
    # A few km south of Bakhmut (48.59, 38.00).
    assert 48.45 < place.lat < 48.58 and 37.9 < place.lon < 38.05


def test_gazetteer_countries_and_aliases(gaz):
    us = resolve_name(gaz, "U.S.")
    assert (
        us is not None
        and us.feature == "country"
        and us.country == "US"
        and us.place_id == "geonames:6252001"
    )
    assert us.admin1 is None and us.precision == 3


def test_gazetteer_unresolvable_name_gives_nothing(gaz):
    assert resolve_name(gaz, "Qwxzzyplonk") is None
    assert resolve_name(gaz, "") is None


def test_gazetteer_user_file_is_merged(tmp_path: Path):
    path = tmp_path / "mine.csv"
    path.write_text(
        "name,alternate_names,lat,lon,country,admin1,feature,population,geonameid,source\n"
        "Zorvanka,Zorvanka Hill|Zorvanka-2,48.1000,37.5000,UA,Donetsk,village,,,analyst\n",
        encoding="utf-8",
    )
    gaz = load_gazetteer(Settings(gazetteers=(str(path),)))
    place = resolve_name(gaz, "Zorvanka-2")
    assert place is not None and place.lat == 48.1 and place.lon == 37.5
    assert place.admin1 == "Donetsk" and place.place_id.startswith("frontwire:")


def test_gazetteer_bad_user_file_is_a_resource_error(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text("name,lat,lon,country\nSomewhere,north,37.5,UA\n", encoding="utf-8")
    with pytest.raises(ResourceError):
        load_gazetteer(Settings(gazetteers=(str(path),)))
    with pytest.raises(ResourceError):
        load_gazetteer(Settings(gazetteers=(str(tmp_path / "absent.csv"),)))


@pytest.mark.slow
def test_gazetteer_cache_is_optional_and_a_broken_one_is_rebuilt(tmp_path: Path) -> None:
    from frontwire.geo.gazetteer import build_gazetteer

    settings = Settings(cache_dir=str(tmp_path))
    first = build_gazetteer(settings)
    [cache] = list(tmp_path.glob("gazetteer-*.pickle"))
    cache.write_bytes(b"not a pickle at all")
    again = build_gazetteer(settings)  # the broken file is rebuilt, not fatal
    assert again.names == first.names
    assert cache.read_bytes() != b"not a pickle at all"
    from frontwire.geo.gazetteer import _cache_dir

    assert _cache_dir(Settings(cache_dir="")) is None  # "" switches the cache off


def test_gazetteer_us_counties_are_admin2_by_full_name_and_stem(gaz):
    full = [i for i in gaz.lookup("Cooke County") if gaz.names[i] == "Cooke County"]
    assert len(full) == 1 and gaz.feature_of(full[0]) == "admin2" and gaz.a1[full[0]] == "US.TX"
    i = full[0]
    assert abs(gaz.lat[i] - 33.6) < 0.3 and abs(gaz.lon[i] + 97.2) < 0.3
    assert i in gaz.lookup("Cooke")  # "Cooke" alone may name the county
    assert gaz.place_id(i).startswith("frontwire:")


def test_gazetteer_packed_index_answers_as_the_built_dict() -> None:
    import pickle

    from frontwire.geo.gazetteer import PackedIndex, _build_gazetteer

    built = _build_gazetteer(Settings())
    assert isinstance(built.index, dict)
    packed = pickle.loads(pickle.dumps(PackedIndex.pack(built.index)))  # as the cache reads it back
    assert len(packed) == len(built.index)
    for key, value in built.index.items():
        assert packed.get(key) == value  # a record number, or the same tuple in the same order
    assert packed.get("") is None
    assert packed.get("zz-no-such-place-zz", ()) == ()
    assert packed.get(max(built.index) + "z") is None  # past the last key


def test_gazetteer_packed_index_small() -> None:
    from frontwire.geo.gazetteer import PackedIndex

    packed = PackedIndex.pack({"kyiv": (3, 1), "bakhmut": 0, "odesa": 2})
    assert packed.keys == ["bakhmut", "kyiv", "odesa"]
    assert (packed.get("bakhmut"), packed.get("kyiv"), packed.get("odesa")) == (0, (3, 1), 2)
    assert packed.get("a") is None and packed.get("kyivx") is None
    with pytest.raises(ValueError):
        PackedIndex.pack({"bad\0key": 1})
