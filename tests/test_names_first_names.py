"""The first-name fallback on gender-guesser plus our own supplement (no network)."""
import pytest

from app.names import guess_from_first_name
from app.names.first_names import country_for_detector, detector


@pytest.mark.parametrize(
    "person, country, gender",
    [
        ("María José Alvarado", "ES", "woman"),
        ("José María Pemán", "ES", "man"),
        ("Juana Inés de la Cruz", "MX", "woman"),
        ("Jean-Marie Le Pen", "FR", "man"),
        ("Marià Fortuny", "ES", "man"),  # not "Maria": the final accent changes the name
        ("Adrià Gual", "ES", "man"),
        ("Estanislao Figueras", "ES", "man"),  # from our supplement
    ],
)
def test_compound_and_regional_first_names(person, country, gender):
    guess = guess_from_first_name(person, country)
    assert guess is not None and guess.gender == gender
    assert guess.source == "first_name"


@pytest.mark.parametrize(
    "person, gender",
    [("Carlitos Roldán", "man"), ("Isabelita Usera", "woman"), ("Estrellita Castro", "woman")],
)
def test_spanish_diminutives_keep_the_gender(person, gender):
    guess = guess_from_first_name(person, "ES")
    assert guess is not None and guess.gender == gender and guess.confidence == "low"


def test_supplement_is_accent_insensitive_but_not_for_a_final_accent():
    assert guess_from_first_name("Hernan Gómez", "UY").gender == "man"  # Hernán
    assert guess_from_first_name("Joaquin Costa", "ES").gender == "man"  # Joaquín
    assert guess_from_first_name("Maria Fortuny", "ES").gender == "woman"  # not Marià


def test_case_and_accent_insensitive():
    for spelling in ("maría teresa león", "MARÍA TERESA LEÓN", "Maria Teresa Leon"):
        guess = guess_from_first_name(spelling, "ES")
        assert guess is not None and guess.gender == "woman", spelling
    assert guess_from_first_name("Jose Prat", "UY").gender == "man"


def test_country_matters():
    # "Joan" is a Catalan man and an English woman.
    assert guess_from_first_name("Joan Miró", "ES").gender == "man"
    assert guess_from_first_name("Joan Baez", "US").gender == "woman"


def test_mostly_answers_lower_confidence_and_andy_gives_none():
    assert detector().get_gender("Claude", "belgium") == "mostly_male"
    mostly = guess_from_first_name("Claude Debussy", "BE")
    assert mostly is not None and (mostly.gender, mostly.confidence) == ("man", "low")
    firm = guess_from_first_name("Isabel Allende", "CL")
    assert firm.confidence == "medium"
    assert detector().get_gender("Dominique", "france") == "andy"
    assert guess_from_first_name("Dominique Pire", "FR") is None  # androgynous: no guess
    assert guess_from_first_name("Xyzzyq Plonk", "ES") is None  # unknown: no guess


@pytest.mark.parametrize("person", ["Mercedes", "Pilar", "Iris", "Selene", "Candelaria", "Blanche"])
def test_single_word_is_refused(person):
    assert guess_from_first_name(person, "ES") is None


@pytest.mark.parametrize("person", ["El Greco", "Del Cid", "La Pilarica Nueva"])
def test_articles_are_not_first_names(person):
    assert guess_from_first_name(person, "ES") is None


def test_country_mapping_for_latin_america():
    assert country_for_detector("UY") == "spain"
    assert country_for_detector("BR") == "portugal"
    assert country_for_detector("gb") == "great_britain"
    assert country_for_detector(None) is None


def test_detector_is_loaded_once():
    assert detector() is detector()


def test_a_country_leaning_contradicted_worldwide_is_no_evidence():
    # gender-guesser: "José" leans female in Belgium but is male everywhere else.
    assert guess_from_first_name("José Dierickx", "BE") is None
    assert guess_from_first_name("José Dierickx", "ES").gender == "man"


def test_names_too_mixed_to_tell_are_refused():
    assert guess_from_first_name("Camille Lemonnier", "BE") is None
    assert guess_from_first_name("Camille Claudel", "FR") is None
