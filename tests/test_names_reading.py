"""Reading street names per language, titles and non-person rules (no network)."""
import pytest

from app.names import names_to_look_up, read_street_name


@pytest.mark.parametrize(
    "name, languages, person, street_type",
    [
        ("Calle de Juana de Ibarbourou", ["es"], "Juana de Ibarbourou", "Calle"),
        ("Avda. de Rosalía de Castro", ["es"], "Rosalía de Castro", "Avda."),
        ("Jirón Carlos Alberto Vázquez", ["es"], "Carlos Alberto Vázquez", "Jirón"),
        ("Carrer d'Elisenda de Montcada", ["ca", "es"], "Elisenda de Montcada", "Carrer"),
        ("Passeig de Lluís Companys", ["ca", "es"], "Lluís Companys", "Passeig"),
        ("Rúa de Rosalía de Castro", ["gl", "es"], "Rosalía de Castro", "Rúa"),
        ("Praza de Manuel Murguía", ["gl", "es"], "Manuel Murguía", "Praza"),
        ("Rua Cecília Meireles", ["pt"], "Cecília Meireles", "Rua"),
        ("Travessa do Carmo Viana", ["pt"], "Carmo Viana", "Travessa"),
        ("Rue de la Pépinière Louise", ["fr"], "Pépinière Louise", "Rue"),
        ("Avenue Simone Veil", ["fr"], "Simone Veil", "Avenue"),
        ("Via Grazia Deledda", ["it"], "Grazia Deledda", "Via"),
        ("Piazza di Giuseppe Garibaldi", ["it"], "Giuseppe Garibaldi", "Piazza"),
        ("Ada Lovelace Road", ["en"], "Ada Lovelace", "Road"),
        ("Emmeline Pankhurst Street", ["en"], "Emmeline Pankhurst", "Street"),
        ("Gret-Palucca-Straße", ["de"], "Gret Palucca", "Straße"),
        ("Käthe-Kollwitz-Platz", ["de"], "Käthe Kollwitz", "Platz"),
        ("Aletta Jacobslaan", ["nl"], "Aletta Jacobs", "laan"),
        ("Annie M.G. Schmidtstraat", ["nl"], "Annie M.G. Schmidt", "straat"),
    ],
)
def test_strips_type_and_particles_per_language(name, languages, person, street_type):
    reading = read_street_name(name, languages)
    assert reading.name_part == person
    assert reading.street_type == street_type
    assert reading.non_person is None


def test_glued_german_suffix_leaves_single_word():
    reading = read_street_name("Goethestraße", ["de"])
    assert reading.name_part == "Goethe"
    assert reading.single_word


def test_bilingual_brussels_reads_french_half_keeps_dutch_variant():
    reading = read_street_name("Rue Marie Curie - Marie Curiestraat", ["fr", "nl", "de"])
    assert reading.name_part == "Marie Curie"
    assert reading.street_type == "Rue"
    reading = read_street_name("Avenue Louise - Louizalaan", ["fr", "nl", "de"])
    assert reading.name_part == "Louise"
    assert "Louiza" in reading.variants


@pytest.mark.parametrize(
    "name, languages, title, gender",
    [
        ("Calle de Santa Teresa", ["es"], "Santa", "woman"),
        ("Calle de San Bernardo", ["es"], "San", "man"),
        ("Calle Sor Ángela de la Cruz", ["es"], "Sor", "woman"),
        ("Calle Doña Urraca", ["es"], "Doña", "woman"),
        ("Calle del General Ricardos", ["es"], "General", "man"),
        ("Calle Doctora Castillo", ["es"], "Doctora", "woman"),
        ("Calle Doctor Esquerdo", ["es"], "Doctor", "man"),
        ("Calle Profesora Carmen Conde", ["es"], "Profesora", "woman"),
        ("Carrer de Sant Pere", ["ca", "es"], "Sant", "man"),
        ("Carrer de la Mare de Déu del Pilar", ["ca", "es"], "Mare de Déu", "woman"),
        ("Carrer d'en Robador", ["ca", "es"], "en", "man"),
        ("Rue Sainte-Catherine", ["fr"], "Sainte", "woman"),  # hyphenated, as French writes saints
        ("Sint-Jansstraat", ["nl"], None, None),  # glued, one word: no title read
        ("Rue Sainte Catherine", ["fr"], "Sainte", "woman"),
        ("Rua Rainha Dona Amélia", ["pt"], "Rainha", "woman"),
        ("Rua Frei Caneca", ["pt"], "Frei", "man"),
        ("Königin-Luise-Straße", ["de"], "Königin", "woman"),
        ("Via Suor Maria Teresa", ["it"], "Suor", "woman"),
    ],
)
def test_titles_and_the_gender_they_imply(name, languages, title, gender):
    reading = read_street_name(name, languages)
    if title is None:
        assert reading.title_gender is None
    else:
        assert title in reading.titles
        assert reading.title_gender == gender


def test_hyphenated_saint_keeps_its_spelling():
    reading = read_street_name("Rue Saint-Jean Népomucène - Sint-Jan Nepomucenusstraat", ["fr", "nl", "de"])
    assert reading.name_part == "Saint-Jean Népomucène"
    assert reading.title_gender == "man"
    assert "Jean Népomucène" in reading.variants
    assert "Sint-Jan Nepomucenus" in reading.variants


@pytest.mark.parametrize("name, titles", [
    ("Calle de la Princesa", ("Princesa",)),
    ("Calle del Príncipe", ("Príncipe",)),
    ("Calle del Almirante", ("Almirante",)),
    ("Calle del Gobernador", ("Gobernador",)),
    ("Calle del Conde Duque", ("Conde", "Duque")),
])
def test_a_title_alone_names_nobody_in_particular(name, titles):
    reading = read_street_name(name, ["es"])
    assert reading.title_alone and reading.titles == titles
    assert reading.title_gender is None and names_to_look_up(reading) == []


def test_a_profession_word_without_article_may_be_a_surname():
    reading = read_street_name("Calle Pastor", ["es"])
    assert reading.title_gender is None and not reading.title_alone


def test_nobility_title_stops_at_its_place_name():
    reading = read_street_name("Calle del Marqués de Santa Ana", ["es"])
    assert reading.titles == ("Marqués",) and reading.title_gender == "man"


def test_title_kept_for_saints_and_dropped_for_professions():
    saint = read_street_name("Calle Santa Lucía", ["es"])
    assert saint.name_part == "Santa Lucía" and "Lucía" in saint.variants
    doctor = read_street_name("Doctor Luis Morquio", ["es"])
    assert doctor.name_part == "Luis Morquio" and doctor.titles == ("Doctor",)


def test_virgin_is_a_woman_named_religious_figure():
    reading = read_street_name("Calle Virgen del Carmen", ["es"])
    assert reading.title_gender == "woman" and reading.religious
    assert reading.non_person is None
    assert read_street_name("Avenida Nuestra Señora de Fátima", ["es"]).title_gender == "woman"


def test_plural_title_names_several():
    reading = read_street_name("Calle Hermanos Machado", ["es"])
    assert reading.plural_mix == "men"
    assert reading.name_part == "Hermanos Machado"
    assert read_street_name("Calle Hermanas Mirabal", ["es"]).plural_mix == "women"


@pytest.mark.parametrize(
    "name, languages",
    [
        ("Avenida 18 de Julio", ["es"]),
        ("Avenida 25 de Mayo", ["es"]),
        ("Calle 1º de Mayo", ["es"]),
        ("Rue du 8 mai 1945", ["fr"]),
        ("Place du 8 Mai", ["fr"]),
        ("Rua 4 de Julho", ["pt"]),
        ("Via XX Settembre", ["it"]),
        ("Calle Dos de Mayo", ["es"]),
        ("Carrer de l'Onze de Setembre", ["ca", "es"]),
        ("Straße des 17. Juni", ["de"]),
    ],
)
def test_dates_are_not_people(name, languages):
    reading = read_street_name(name, languages)
    assert reading.non_person == "date"
    assert reading.name_part is None
    assert reading.title_gender is None


def test_month_word_alone_is_still_a_first_name():
    reading = read_street_name("Calle Julio Cortázar", ["es"])
    assert reading.non_person is None and reading.name_part == "Julio Cortázar"


@pytest.mark.parametrize("name", ["Calle 8", "Calle S/N", "Rua 25", "Calle A"])
def test_numbers_are_not_people(name):
    assert read_street_name(name, ["es", "pt"]).non_person == "number"


@pytest.mark.parametrize(
    "name, reason",
    [
        ("Calle de los Olivos", "plant"),
        ("Calle de las Rosas", "plant"),
        ("Calle de la Iglesia", "place"),
        ("Calle del Puerto", "place"),
        ("Calle del Río Manzanares", "place"),
        ("Calle del Mar", "place"),
        ("Plaza Mayor", "place"),
        ("Calle del Mercado", "place"),
        ("Calle de la Estación", "place"),
        ("Camino del Cementerio", "place"),
        ("Calle Niña", "ship"),
        ("Carrer de la Nau Santa Maria", "ship"),
        ("Pasaje de las Golondrinas", "animal"),
        ("Calle Batalla de Salado", "event"),
        ("Plaza de la Santa Cruz", "religious"),
    ],
)
def test_common_nouns_are_not_people(name, reason):
    assert read_street_name(name, ["es", "ca"]).non_person == reason


def test_surname_like_place_words_need_an_article():
    # "Torres García" is a painter, "de las Torres" a place.
    assert read_street_name("Calle Torres García", ["es"]).non_person is None
    assert read_street_name("Calle de las Torres", ["es"]).non_person == "place"


@pytest.mark.parametrize(
    "name, languages",
    [
        ("Calle Iris", ["es"]),
        ("Calle Pilar", ["es"]),
        ("Calle Mercedes", ["es"]),
        ("Calle Selene", ["es"]),
        ("Calle Candelaria", ["es"]),
        ("Rue Blanche", ["fr"]),
    ],
)
def test_bare_given_name_is_a_low_trust_reading(name, languages):
    reading = read_street_name(name, languages)
    assert reading.single_word
    assert reading.titles == ()



def test_christ_dedications_read_like_the_virgins():
    reading = read_street_name("Calle del Cristo de la Vega", ["es"])
    assert reading.title_gender == "man" and reading.religious and reading.non_person is None
    # a writer whose first name is "Corpus" is not a feast
    assert read_street_name("Plaza de Corpus Barga", ["es"]).non_person is None
    assert read_street_name("Calle del Sagrado Corazón", ["es"]).non_person == "religious"


@pytest.mark.parametrize("name", ["", "   ", "-"])
def test_empty_names_read_as_nothing(name):
    reading = read_street_name(name, ["es"])
    assert reading.name_part is None and reading.non_person is None and not reading.titles


def test_elisions_are_glued_back():
    assert read_street_name("Via Sant'Anna", ["it"]).name_part == "Sant'Anna"
    assert read_street_name("Piazza dell'Unità d'Italia", ["it"]).name_part == "Unità d'Italia"
    assert read_street_name("Carrer de n'Aina Moll", ["ca", "es"]).title_gender == "woman"


def test_given_names_that_are_also_words_need_an_article_or_to_stand_alone():
    assert read_street_name("Calle Paloma O'Shea", ["es"]).non_person is None
    assert read_street_name("Calle Victoria Kent", ["es"]).non_person is None
    assert read_street_name("Plaza de la Paz", ["es"]).non_person == "concept"
    # a Catalan "Can X" is a farmhouse, whatever "Can" means elsewhere
    assert read_street_name("Carrer del Camí de Can Graner", ["ca", "es"]).non_person == "place"


def test_religious_words_that_are_given_names():
    assert read_street_name("Calle Ascensión Bielsa", ["es"]).non_person is None
    assert read_street_name("Plaza de la Ascensión", ["es"]).non_person == "religious"


@pytest.mark.parametrize("name, languages, person, street_type", [
    # Basque writes the type last
    ("Colombo kalea", ["eu", "es"], "Colombo", "kalea"),
    ("Frank Gehry zubia", ["eu", "es"], "Frank Gehry", "zubia"),
    # glued compounds and genitives
    ("Goethestraße", ["de"], "Goethe", "straße"),
    ("Amalienstraße", ["de"], "Amalie", "straße"),
    ("Rosenstraße", ["de"], "Rosen", "straße"),  # a plant: the "n" stays
    ("Bertha-von-Suttner-Platz", ["de"], "Bertha von Suttner", "Platz"),
    ("Wilhelminastraat", ["nl"], "Wilhelmina", "straat"),
    ("Strindbergsgatan", ["sv"], "Strindberg", "gatan"),
    ("Drottning Kristinas väg", ["sv"], "Drottning Kristina", "väg"),
    ("Jens Baggesens Vej", ["da"], "Jens Baggesen", "Vej"),
    ("Karl Johans gate", ["no"], "Karl Johan", "gate"),
    # prefixes
    ("ulica Adama Mickiewicza", ["pl"], "Adama Mickiewicza", "ulica"),
    ("náměstí Jiřího z Poděbrad", ["cs"], "Jiřího z Poděbrad", "náměstí"),
    ("Strada Mihai Eminescu", ["ro"], "Mihai Eminescu", "Strada"),
    ("Petőfi Sándor utca", ["hu"], "Petőfi Sándor", "utca"),
])
def test_each_language_file_reads_its_street_types(name, languages, person, street_type):
    reading = read_street_name(name, languages)
    assert (reading.name_part, reading.street_type) == (person, street_type)


def test_a_street_type_of_another_language_is_still_read():
    # "Carrer de X" in a Spanish list, "Calle X" in a Catalan one.
    catalan = read_street_name("Carrer de Josep Tarradellas", ["es"])
    assert (catalan.name_part, catalan.street_type, catalan.language) == ("Josep Tarradellas", "Carrer", "ca")
    spanish = read_street_name("Calle Mayor de Gràcia", ["ca"])
    assert spanish.street_type == "Calle" and spanish.language == "es"
    nothing = read_street_name("Xyzzy Plugh", ["es"])
    assert nothing.street_type is None and nothing.non_person is None


def test_hungarian_names_put_the_given_name_last():
    reading = read_street_name("Petőfi Sándor utca", ["hu"])
    assert reading.family_name_first and reading.given_name_first == "Sándor Petőfi"


def test_titles_of_the_virgin_and_saints_are_religious():
    for name, languages in (("Calle Virgen del Carmen", ["es"]), ("Calle Nuestra Señora de Fátima", ["es"]),
                            ("Avinguda de la Mare de Déu de Montserrat", ["ca", "es"])):
        reading = read_street_name(name, languages)
        assert reading.religious and reading.marian and reading.title_gender == "woman", name
    saint = read_street_name("Calle Santa Lucía", ["es"])
    assert saint.religious and not saint.marian
