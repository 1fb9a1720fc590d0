"""engine/privacy/geocode.py: the nearest city of 15,000 people, offline; none far out at sea."""

from __future__ import annotations

from trustnxt_desktop.engine.privacy.geocode import city_of, distance_km


def test_a_position_in_munich_is_munich_rounded_to_two_decimals() -> None:
    city = city_of(48.1372, 11.5756)
    assert city is not None and (city.name, city.country, city.country_code) == ("Munich", "Germany", "DE")
    assert (city.lat, city.lon) == (48.14, 11.58) and city.label == "Munich, Bavaria, Germany"


def test_no_city_at_sea_and_no_answer_for_a_non_position() -> None:
    assert city_of(0.0, -160.0) is None, "the nearest city is over 100 km away"
    assert city_of(91.0, 0.0) is None and city_of(float("nan"), 0.0) is None


def test_distance() -> None:
    assert round(distance_km(52.52, 13.405, 48.137, 11.575)) == 504
