"""Reading street names: street types, particles, titles, non-person rules, first names."""
from .first_names import FirstNameGuess, guess_from_first_name
from .languages import languages_for_country, languages_for_place, languages_for_region
from .reading import NameReading, names_to_look_up, read_street_name

__all__ = [
    "names_to_look_up",
    "FirstNameGuess",
    "NameReading",
    "guess_from_first_name",
    "languages_for_country",
    "languages_for_place",
    "languages_for_region",
    "read_street_name",
]
