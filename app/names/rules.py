"""Word lists for reading street names, per language.

All lists here were written for this project from general knowledge of how
streets are named in each language; they are deliberately small and general
(no city-specific entries). Everything is compared in a case- and
accent-insensitive way (see ``key``), so the lists are written in lower case and
may keep their accents for readability.
"""
from __future__ import annotations

import re
import unicodedata

WOMAN = "woman"
MAN = "man"


def key(text: str) -> str:
    """Lower case, no accents, single spaces; apostrophes unified to '."""
    text = (text or "").replace("’", "'").replace("`", "'").replace("´", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


# --- street types ------------------------------------------------------------
# Words that say what kind of way it is, written *before* the name (Romance
# languages) or *after* it (English; German and Dutch also glue them on).

PREFIX_TYPES: dict[str, list[str]] = {
    "es": [
        "calle", "c/", "c.", "cl.", "cl", "cll.", "avenida", "av.", "av", "avda.", "avda", "avd.", "avd",
        "paseo", "pº", "p.º", "plaza", "pza.", "pza", "plazuela", "plazoleta", "glorieta", "ronda",
        "travesía", "trav.", "callejón", "callejuela", "costanilla", "cuesta", "carrera", "cra.",
        "carretera", "ctra.", "camino", "cno.", "pasaje", "pje.", "pje", "psje.", "jirón", "jr.", "jr",
        "cerrada", "cda.", "calzada", "calz.", "prolongación", "prol.", "bulevar", "boulevard", "bv.",
        "bvar.", "blvd.", "rambla", "senda", "sendero", "vía", "pasadizo", "rotonda", "autovía",
        "circunvalación", "diagonal", "alameda", "andador", "privada", "priv.", "continuación",
        "peatonal", "pasaje peatonal", "calle peatonal", "paseo peatonal", "explanada", "escalinata",
        "pasarela", "puente", "túnel", "acceso", "subida", "bajada", "vereda", "cañada", "atajo",
        "ramal", "rinconada", "parque", "jardín", "jardines", "malecón", "rampa", "galería",
        "circuito", "retorno", "cerrada", "callejón sin salida", "plaza peatonal", "pasaje particular",
        # Montevideo/Buenos Aires: "Paralela al Norte de X" carries the name of the street it follows.
        "paralela", "primera paralela", "segunda paralela", "ruta", "ruta nacional", "camino vecinal",
        "sendero peatonal", "antiguo camino", "avenida costanera", "rambla costanera",
    ],
    "ca": [
        "carrer", "c/", "c.", "cr.", "avinguda", "av.", "avda.", "avgda.", "passeig", "pg.", "passatge",
        "ptge.", "plaça", "pl.", "placeta", "rambla", "ronda", "travessera", "travessia", "baixada",
        "pujada", "camí", "carreró", "riera", "via", "costa", "escales", "escalinata", "jardins",
        "jardí", "parc", "rotonda", "moll", "gran via", "torrent", "drecera", "sender", "pont",
        "carretera", "ctra.", "passeig marítim", "cami",
    ],
    "gl": [
        "rúa", "r/", "avenida", "av.", "avda.", "praza", "pza.", "travesía", "camiño", "estrada",
        "rolda", "paseo", "ronda", "costa", "lugar", "corredoira", "calexa", "rueiro", "praciña",
        "carreiro", "vía",
    ],
    "pt": [
        "rua", "r.", "avenida", "av.", "avda.", "praça", "pç.", "pça.", "praceta", "travessa", "tv.",
        "trav.", "largo", "lgo.", "beco", "alameda", "al.", "ladeira", "estrada", "estr.", "calçada",
        "cç.", "rodovia", "viela", "vila", "escadaria", "escadinhas", "caminho", "passeio", "parque",
        "jardim", "rotunda", "viaduto", "ponte", "servidão", "quadra", "via", "praia", "esplanada",
        "pátio", "galeria", "passagem", "boulevard", "bulevar",
    ],
    "fr": [
        "rue", "r.", "avenue", "av.", "ave", "boulevard", "bd", "bd.", "bld", "place", "pl.", "allée",
        "impasse", "imp.", "chemin", "ch.", "quai", "cours", "square", "passage", "ruelle", "sentier",
        "voie", "route", "rte", "rond-point", "esplanade", "parvis", "promenade", "galerie", "cité",
        "villa", "montée", "chaussée", "drève", "clos", "venelle", "carrefour", "pont", "parc",
        "jardin", "hameau", "résidence", "faubourg", "rampe", "square", "passerelle", "escalier",
        "cour", "berge", "port", "pl", "petite rue", "grande rue", "vieille rue", "rond-point",
        "rond point", "espace", "tunnel", "belvédère", "sentier", "avenue de la", "val",
    ],
    "it": [
        "via", "v.", "viale", "v.le", "piazza", "p.za", "p.zza", "piazzale", "p.le", "piazzetta",
        "largo", "vicolo", "vic.", "corso", "c.so", "lungomare", "lungotevere", "lungarno", "salita",
        "strada", "str.", "contrada", "borgo", "calle", "campo", "campiello", "fondamenta", "rampa",
        "traversa", "galleria", "ponte", "vico", "vicoletto", "stradone", "circonvallazione",
        "passaggio", "giardino", "giardini", "parco", "rotonda", "scalinata",
    ],
    "en": [],
    "de": ["straße", "strasse"],  # rare as a prefix ("Straße des 17. Juni")
    "nl": [],
}

#: Types written after the name as a separate word (English, and some others).
SUFFIX_TYPES: dict[str, list[str]] = {
    "en": [
        "street", "st", "st.", "road", "rd", "rd.", "avenue", "ave", "ave.", "av.", "lane", "ln",
        "drive", "dr.", "boulevard", "blvd", "blvd.", "way", "place", "pl", "court", "ct", "crescent",
        "close", "square", "sq", "terrace", "gardens", "grove", "row", "mews", "walk", "hill",
        "parkway", "pkwy", "highway", "hwy", "circle", "trail", "alley", "path", "park", "green",
        "rise", "parade", "wharf", "bridge", "gate", "embankment", "quay", "plaza", "yard", "approach",
    ],
    "de": [
        "straße", "strasse", "str.", "weg", "platz", "allee", "gasse", "ring", "damm", "ufer", "steig",
        "pfad", "brücke", "markt", "chaussee", "promenade", "zeile", "stieg", "kai", "graben", "park",
    ],
    "nl": [
        "straat", "laan", "plein", "lei", "dreef", "weg", "kaai", "gracht", "kade", "singel", "steeg",
        "pad", "hof", "park", "markt", "dijk", "brug", "poort", "wal", "baan", "tuin", "vest",
        "square", "ring", "pleintje", "straatje", "wegel", "gaarde",
    ],
    # Romance languages: "Plaza X" is the norm, but lists from mixed sources
    # sometimes write the type last ("Mayo, Avenida" style is handled by the comma rule).
}

#: Suffixes glued onto the name in German and Dutch ("Goethestraße",
#: "Marie Curiestraat"), longest first so "straatje" wins over "straat".
GLUED_SUFFIXES: dict[str, list[str]] = {
    "de": ["straße", "strasse", "str.", "allee", "platz", "gasse", "brücke", "chaussee", "promenade",
           "steig", "ufer", "damm", "ring", "weg", "markt", "park", "pfad", "stieg", "zeile", "kai",
           "graben"],
    "nl": ["straatje", "straat", "pleintje", "plein", "laan", "dreef", "kaai", "gracht", "kade",
           "singel", "steeg", "lei", "weg", "park", "markt", "dijk", "brug", "poort", "baan", "tuin",
           "vest", "hof", "wegel", "gaarde"],
}

# --- particles ---------------------------------------------------------------
# What links the type to the name: "Calle *de la* Reina", "Carrer *d'en* X".
# Listed longest first inside each language; apostrophe forms end with "'".

PARTICLES: dict[str, list[str]] = {
    "es": ["de las", "de los", "de la", "de l'", "del", "de", "d'", "las", "los", "la", "el", "a la",
           "al", "a"],
    "ca": ["de les", "dels", "de la", "de l'", "del", "de", "d'", "les", "els", "la", "el", "l'",
           "a la", "al"],
    "gl": ["das", "dos", "da", "do", "de", "as", "os", "a", "o"],
    "pt": ["das", "dos", "da", "do", "de", "d'", "as", "os", "a", "o"],
    "fr": ["de la", "de l'", "des", "du", "de", "d'", "la", "le", "les", "l'", "aux", "au"],
    "it": ["della", "dello", "delle", "degli", "dei", "del", "dell'", "di", "d'", "la", "il", "lo",
           "le", "gli", "i", "l'", "al", "alla", "ai", "alle"],
    "en": ["of the", "of", "the"],
    "de": ["des", "der", "dem", "den", "am", "an der", "zum", "zur", "im"],
    "nl": ["van de", "van der", "van den", "van", "de", "het", "'t"],
}

#: Articles (a subset of particles) that put a common noun in front of us:
#: "Calle *de la* Paz" is a concept, "Calle *de los* Olivos" a plant.
ARTICLES = {"la", "el", "los", "las", "les", "els", "l'", "le", "o", "a", "os", "as", "il", "lo",
            "gli", "i", "the", "het", "'t", "der", "die", "das"}

#: Catalan personal articles: "Carrer d'en Rauric" (a man), "Carrer de na Jordana" (a woman).
PERSONAL_ARTICLES = {"en": MAN, "na": WOMAN, "n'": WOMAN}

# --- titles ------------------------------------------------------------------
# title -> (gender it implies or None, keeps) where ``keeps`` is True when the
# title is part of how the person is known and stays in NameReading.person
# (saints, the Virgin, nobility written "Marqués de X"), False for honorifics
# and professions that we drop to get at the person's own name ("Doctor Luis
# Morquio" -> "Luis Morquio").
#
# The Virgin ("Virgen del Carmen", "Nuestra Señora de Fátima", "Mare de Déu de
# Montserrat") is read as a woman-named religious figure: Geochicas counts these
# streets as Female and EqualStreetNames treats religious figures as persons,
# so the title implies 'woman' and the reading is a person, not a thing.

T = tuple[str | None, bool]


def _t(gender: str | None, keeps: bool = False) -> T:
    return (gender, keeps)


_ES_TITLES: dict[str, T] = {
    # religion
    "santa": _t(WOMAN, True), "sta.": _t(WOMAN, True), "sta": _t(WOMAN, True),
    "san": _t(MAN, True), "sn.": _t(MAN, True), "santo": _t(MAN, True), "sto.": _t(MAN, True),
    "virgen": _t(WOMAN, True), "nuestra señora": _t(WOMAN, True),
    # Christ's dedications are read like the Virgin's: a religious figure, a man.
    "cristo": _t(MAN, True), "santo cristo": _t(MAN, True), "divino": _t(MAN, True),
    "niño jesús": _t(MAN, True), "ntra. sra.": _t(WOMAN, True),
    "ntra sra": _t(WOMAN, True), "nra. sra.": _t(WOMAN, True), "la virgen": _t(WOMAN, True),
    "beata": _t(WOMAN, True), "beato": _t(MAN, True), "sor": _t(WOMAN), "madre": _t(WOMAN),
    "padre": _t(MAN), "fray": _t(MAN), "fr.": _t(MAN), "hermano": _t(MAN), "hermana": _t(WOMAN),
    "monseñor": _t(MAN), "mons.": _t(MAN), "mns.": _t(MAN), "cardenal": _t(MAN), "obispo": _t(MAN),
    "arzobispo": _t(MAN), "papa": _t(MAN), "presbítero": _t(MAN), "pbro.": _t(MAN),
    "párroco": _t(MAN), "cura": _t(MAN), "canónigo": _t(MAN), "deán": _t(MAN), "abad": _t(MAN),
    "abadesa": _t(WOMAN), "capellán": _t(MAN), "pastor": _t(MAN), "rabino": _t(MAN),
    # courtesy
    "don": _t(MAN), "doña": _t(WOMAN), "señor": _t(MAN), "señora": _t(WOMAN), "sr.": _t(MAN),
    "sra.": _t(WOMAN),
    # royalty and nobility
    "rey": _t(MAN, True), "reina": _t(WOMAN, True), "príncipe": _t(MAN, True),
    "princesa": _t(WOMAN, True), "infante": _t(MAN, True), "infanta": _t(WOMAN, True),
    "emperador": _t(MAN, True), "emperatriz": _t(WOMAN, True), "conde": _t(MAN, True),
    "condesa": _t(WOMAN, True), "duque": _t(MAN, True), "duquesa": _t(WOMAN, True),
    "marqués": _t(MAN, True), "marquesa": _t(WOMAN, True), "barón": _t(MAN, True),
    "baronesa": _t(WOMAN, True), "vizconde": _t(MAN, True), "vizcondesa": _t(WOMAN, True),
    "cacique": _t(MAN, True), "caudillo": _t(MAN, True),
    # professions (Spanish grammatical gender tells them apart)
    "doctor": _t(MAN), "doctora": _t(WOMAN), "dr.": _t(MAN), "dr": _t(MAN), "dra.": _t(WOMAN),
    "dra": _t(WOMAN), "profesor": _t(MAN), "profesora": _t(WOMAN), "prof.": _t(None),
    "maestro": _t(MAN), "maestra": _t(WOMAN), "mtro.": _t(MAN), "mtra.": _t(WOMAN),
    "ingeniero": _t(MAN), "ingeniera": _t(WOMAN), "ing.": _t(None), "ing": _t(None),
    "arquitecto": _t(MAN), "arquitecta": _t(WOMAN), "arq.": _t(None), "pintor": _t(MAN),
    "pintora": _t(WOMAN), "escultor": _t(MAN), "escultora": _t(WOMAN), "compositor": _t(MAN),
    "compositora": _t(WOMAN), "músico": _t(MAN), "escritor": _t(MAN), "escritora": _t(WOMAN),
    "poeta": _t(None), "poetisa": _t(WOMAN), "actor": _t(MAN), "actriz": _t(WOMAN),
    "abogado": _t(MAN), "abogada": _t(WOMAN), "licenciado": _t(MAN), "licenciada": _t(WOMAN),
    "lic.": _t(None), "bachiller": _t(None), "tenor": _t(MAN), "soprano": _t(WOMAN),
    "aviador": _t(MAN), "aviadora": _t(WOMAN), "torero": _t(MAN), "cantaor": _t(MAN),
    "cantaora": _t(WOMAN), "bailaor": _t(MAN), "bailaora": _t(WOMAN), "navegante": _t(None),
    "explorador": _t(MAN), "periodista": _t(None), "historiador": _t(MAN),
    "historiadora": _t(WOMAN), "médico": _t(MAN), "médica": _t(WOMAN), "enfermera": _t(WOMAN),
    "enfermero": _t(MAN), "químico": _t(MAN), "química": _t(WOMAN), "filósofo": _t(MAN),
    "filósofa": _t(WOMAN), "matemático": _t(MAN), "científico": _t(MAN), "científica": _t(WOMAN),
    "cronista": _t(None), "dramaturgo": _t(MAN), "dramaturga": _t(WOMAN), "cantante": _t(None),
    "actr": _t(None), "maestre": _t(MAN), "escribano": _t(MAN), "agrimensor": _t(MAN),
    "educador": _t(MAN), "educadora": _t(WOMAN), "pedagogo": _t(MAN), "pedagoga": _t(WOMAN),
    "cirujano": _t(MAN), "farmacéutico": _t(MAN), "fotógrafo": _t(MAN), "fotógrafa": _t(WOMAN),
    "guitarrista": _t(None), "payador": _t(MAN), "cineasta": _t(None), "dibujante": _t(None),
    "deportista": _t(None), "futbolista": _t(None), "ciclista": _t(None),
    # military (the Spanish masculine forms are what streets use for men)
    "general": _t(MAN), "gral.": _t(MAN), "gral": _t(MAN), "coronel": _t(MAN), "cnel.": _t(MAN),
    "cnel": _t(MAN), "capitán": _t(MAN), "cap.": _t(MAN), "cpt.": _t(MAN), "teniente": _t(MAN),
    "tte.": _t(MAN), "tte": _t(MAN), "sargento": _t(MAN), "sgto.": _t(MAN), "soldado": _t(MAN),
    "cabo": _t(MAN), "comandante": _t(MAN), "cmte.": _t(MAN), "almirante": _t(MAN),
    "alte.": _t(MAN), "brigadier": _t(MAN), "mariscal": _t(MAN), "alférez": _t(MAN),
    "guardia civil": _t(MAN), "guardia": _t(None), "marinero": _t(MAN), "mayor": _t(None),
    "comodoro": _t(MAN), "contraalmirante": _t(MAN), "vicealmirante": _t(MAN),
    "subteniente": _t(MAN), "sargento mayor": _t(MAN), "granadero": _t(MAN), "cadete": _t(None),
    "prócer": _t(MAN), "patriota": _t(None), "héroe": _t(MAN), "heroína": _t(WOMAN),
    # public office
    "presidente": _t(MAN), "pdte.": _t(MAN), "pres.": _t(MAN), "pte.": _t(MAN), "presidenta": _t(WOMAN), "alcalde": _t(MAN),
    "alcaldesa": _t(WOMAN), "gobernador": _t(MAN), "gobernadora": _t(WOMAN), "ministro": _t(MAN),
    "ministra": _t(WOMAN), "senador": _t(MAN), "senadora": _t(WOMAN), "diputado": _t(MAN),
    "diputada": _t(WOMAN), "concejal": _t(MAN), "concejala": _t(WOMAN), "corregidor": _t(MAN),
    "regidor": _t(MAN), "intendente": _t(MAN), "edil": _t(None), "embajador": _t(MAN),
    "embajadora": _t(WOMAN), "cónsul": _t(None), "virrey": _t(MAN, True), "virreina": _t(WOMAN, True),
    "adelantado": _t(MAN), "cr.": _t(None), "cr": _t(None), "cont.": _t(None), "contador": _t(MAN),
    "contadora": _t(WOMAN), "procurador": _t(MAN), "procuradora": _t(WOMAN),
    "libertador": _t(MAN), "caciquillo": _t(MAN), "arcipreste": _t(MAN), "archiduque": _t(MAN, True),
    "archiduquesa": _t(WOMAN, True), "patriarca": _t(MAN, True), "legionario": _t(MAN),
    "mecánico": _t(MAN), "payaso": _t(MAN), "descubridor": _t(MAN), "descubridora": _t(WOMAN),
    "inventor": _t(MAN), "inventora": _t(WOMAN), "marino": _t(MAN), "sabio": _t(MAN), "esc.": _t(None), "agr.": _t(None), "qco.": _t(None), "maese": _t(MAN),
    "halconero": _t(MAN), "sr": _t(MAN), "sra": _t(WOMAN), "ministro de": _t(MAN), "juez": _t(None), "fiscal": _t(None),
    "canciller": _t(None), "secretario": _t(MAN), "secretaria": _t(WOMAN),
}

_CA_TITLES: dict[str, T] = {
    "sant": _t(MAN, True), "santa": _t(WOMAN, True), "st.": _t(MAN, True), "sta.": _t(WOMAN, True),
    "mare de déu": _t(WOMAN, True), "crist": _t(MAN, True), "sant crist": _t(MAN, True), "verge": _t(WOMAN, True), "nostra senyora": _t(WOMAN, True),
    "beat": _t(MAN, True), "beata": _t(WOMAN, True), "mossèn": _t(MAN), "mn.": _t(MAN),
    "pare": _t(MAN), "mare": _t(WOMAN), "germà": _t(MAN), "germana": _t(WOMAN), "frare": _t(MAN),
    "fra": _t(MAN), "sor": _t(WOMAN), "bisbe": _t(MAN), "cardenal": _t(MAN), "abat": _t(MAN),
    "abadessa": _t(WOMAN), "rector": _t(MAN), "canonge": _t(MAN), "papa": _t(MAN),
    "rei": _t(MAN, True), "reina": _t(WOMAN, True), "comte": _t(MAN, True), "comtessa": _t(WOMAN, True),
    "marquès": _t(MAN, True), "marquesa": _t(WOMAN, True), "duc": _t(MAN, True),
    "duquessa": _t(WOMAN, True), "príncep": _t(MAN, True), "princesa": _t(WOMAN, True),
    "infant": _t(MAN, True), "infanta": _t(WOMAN, True), "baró": _t(MAN, True),
    "baronessa": _t(WOMAN, True), "vescomte": _t(MAN, True), "emperador": _t(MAN, True),
    "emperadriu": _t(WOMAN, True), "regent": _t(MAN), "secretari": _t(MAN), "secretària": _t(WOMAN),
    "doctor": _t(MAN), "doctora": _t(WOMAN), "dr.": _t(MAN), "dra.": _t(WOMAN), "mestre": _t(MAN),
    "mestra": _t(WOMAN), "enginyer": _t(MAN), "enginyera": _t(WOMAN), "arquitecte": _t(MAN),
    "arquitecta": _t(WOMAN), "pintor": _t(MAN), "pintora": _t(WOMAN), "escultor": _t(MAN),
    "escultora": _t(WOMAN), "compositor": _t(MAN), "compositora": _t(WOMAN), "músic": _t(MAN),
    "poeta": _t(None), "poetessa": _t(WOMAN), "escriptor": _t(MAN), "escriptora": _t(WOMAN),
    "tenor": _t(MAN), "aviador": _t(MAN), "metge": _t(MAN), "metgessa": _t(WOMAN),
    "advocat": _t(MAN), "advocada": _t(WOMAN), "professor": _t(MAN), "professora": _t(WOMAN),
    "periodista": _t(None), "actor": _t(MAN), "actriu": _t(WOMAN), "cantant": _t(None),
    "capità": _t(MAN), "almirall": _t(MAN), "general": _t(MAN), "coronel": _t(MAN),
    "tinent": _t(MAN), "sergent": _t(MAN), "soldat": _t(MAN), "mariscal": _t(MAN),
    "president": _t(MAN), "presidenta": _t(WOMAN), "alcalde": _t(MAN), "alcaldessa": _t(WOMAN),
    "conseller": _t(MAN), "consellera": _t(WOMAN), "diputat": _t(MAN), "ministre": _t(MAN),
    "senyor": _t(MAN), "senyora": _t(WOMAN), "don": _t(MAN), "donya": _t(WOMAN),
    "dona": _t(None),  # "dona" is also the word for woman; too ambiguous alone
}

_GL_TITLES: dict[str, T] = {
    "santa": _t(WOMAN, True), "san": _t(MAN, True), "santo": _t(MAN, True),
    "virxe": _t(WOMAN, True), "nosa señora": _t(WOMAN, True), "frei": _t(MAN), "frai": _t(MAN),
    "padre": _t(MAN), "nai": _t(WOMAN), "sor": _t(WOMAN), "don": _t(MAN), "dona": _t(WOMAN),
    "rei": _t(MAN, True), "raíña": _t(WOMAN, True), "doutor": _t(MAN), "doutora": _t(WOMAN),
    "mestre": _t(MAN), "mestra": _t(WOMAN), "pintor": _t(MAN), "pintora": _t(WOMAN),
    "xeneral": _t(MAN), "alcalde": _t(MAN), "alcaldesa": _t(WOMAN), "presidente": _t(MAN),
    "conde": _t(MAN, True), "condesa": _t(WOMAN, True), "bispo": _t(MAN), "cardeal": _t(MAN),
    "escritor": _t(MAN), "escritora": _t(WOMAN), "poeta": _t(None),
}

_PT_TITLES: dict[str, T] = {
    "santa": _t(WOMAN, True), "são": _t(MAN, True), "sao": _t(MAN, True), "santo": _t(MAN, True),
    "s.": _t(None, True), "nossa senhora": _t(WOMAN, True), "n. sra.": _t(WOMAN, True),
    "n. senhora": _t(WOMAN, True), "virgem": _t(WOMAN, True), "beato": _t(MAN, True),
    "beata": _t(WOMAN, True), "dom": _t(MAN), "d.": _t(None), "dona": _t(WOMAN), "rei": _t(MAN, True),
    "rainha": _t(WOMAN, True), "príncipe": _t(MAN, True), "princesa": _t(WOMAN, True),
    "infante": _t(MAN, True), "infanta": _t(WOMAN, True), "imperador": _t(MAN, True),
    "imperatriz": _t(WOMAN, True), "conde": _t(MAN, True), "condessa": _t(WOMAN, True),
    "visconde": _t(MAN, True), "viscondessa": _t(WOMAN, True), "barão": _t(MAN, True),
    "baronesa": _t(WOMAN, True), "marquês": _t(MAN, True), "marquesa": _t(WOMAN, True),
    "duque": _t(MAN, True), "duquesa": _t(WOMAN, True),
    "doutor": _t(MAN), "doutora": _t(WOMAN), "dr.": _t(MAN), "dra.": _t(WOMAN),
    "professor": _t(MAN), "professora": _t(WOMAN), "prof.": _t(None), "profa.": _t(WOMAN),
    "engenheiro": _t(MAN), "engenheira": _t(WOMAN), "eng.": _t(None), "arquiteto": _t(MAN),
    "arquiteta": _t(WOMAN), "padre": _t(MAN), "pe.": _t(MAN), "frei": _t(MAN), "irmã": _t(WOMAN),
    "irmão": _t(MAN), "madre": _t(WOMAN), "monsenhor": _t(MAN), "mons.": _t(MAN),
    "cardeal": _t(MAN), "papa": _t(MAN), "bispo": _t(MAN), "arcebispo": _t(MAN),
    "cônego": _t(MAN), "presidente": _t(MAN), "general": _t(MAN), "gen.": _t(MAN),
    "coronel": _t(MAN), "cel.": _t(MAN), "capitão": _t(MAN), "cap.": _t(MAN), "almirante": _t(MAN),
    "marechal": _t(MAN), "mal.": _t(MAN), "tenente": _t(MAN), "ten.": _t(MAN), "sargento": _t(MAN),
    "comandante": _t(MAN), "cmte.": _t(MAN), "brigadeiro": _t(MAN), "major": _t(MAN),
    "maestro": _t(MAN), "poeta": _t(None), "poetisa": _t(WOMAN), "pintor": _t(MAN),
    "pintora": _t(WOMAN), "escultor": _t(MAN), "desembargador": _t(MAN), "vereador": _t(MAN),
    "vereadora": _t(WOMAN), "deputado": _t(MAN), "deputada": _t(WOMAN), "senador": _t(MAN),
    "senadora": _t(WOMAN), "governador": _t(MAN), "prefeito": _t(MAN), "prefeita": _t(WOMAN),
    "ministro": _t(MAN), "ministra": _t(WOMAN), "escritor": _t(MAN), "escritora": _t(WOMAN),
    "cantor": _t(MAN), "cantora": _t(WOMAN), "ator": _t(MAN), "atriz": _t(WOMAN),
}

_FR_TITLES: dict[str, T] = {
    "saint": _t(MAN, True), "st": _t(MAN, True), "st.": _t(MAN, True), "sainte": _t(WOMAN, True),
    "ste": _t(WOMAN, True), "ste.": _t(WOMAN, True), "notre-dame": _t(WOMAN, True),
    "notre dame": _t(WOMAN, True), "bienheureux": _t(MAN, True), "bienheureuse": _t(WOMAN, True),
    "abbé": _t(MAN), "père": _t(MAN), "mère": _t(WOMAN), "sœur": _t(WOMAN), "soeur": _t(WOMAN),
    "frère": _t(MAN), "cardinal": _t(MAN), "monseigneur": _t(MAN), "mgr": _t(MAN), "pape": _t(MAN),
    "chanoine": _t(MAN), "pasteur": _t(None), "évêque": _t(MAN), "curé": _t(MAN),
    "roi": _t(MAN, True), "reine": _t(WOMAN, True), "prince": _t(MAN, True),
    "princesse": _t(WOMAN, True), "empereur": _t(MAN, True), "impératrice": _t(WOMAN, True),
    "comte": _t(MAN, True), "comtesse": _t(WOMAN, True), "duc": _t(MAN, True),
    "duchesse": _t(WOMAN, True), "baron": _t(MAN, True), "baronne": _t(WOMAN, True),
    "marquis": _t(MAN, True), "marquise": _t(WOMAN, True), "vicomte": _t(MAN, True),
    "archiduc": _t(MAN, True), "archiduchesse": _t(WOMAN, True), "dauphin": _t(MAN, True),
    "madame": _t(WOMAN), "mme": _t(WOMAN), "mademoiselle": _t(WOMAN), "mlle": _t(WOMAN),
    "monsieur": _t(MAN), "m.": _t(MAN),
    "docteur": _t(None), "dr": _t(None), "dr.": _t(None), "professeur": _t(None), "prof.": _t(None),
    "maître": _t(None), "ingénieur": _t(None),
    "général": _t(MAN), "gén.": _t(MAN), "colonel": _t(MAN), "capitaine": _t(MAN),
    "commandant": _t(MAN), "lieutenant": _t(MAN), "maréchal": _t(MAN), "amiral": _t(MAN),
    "sergent": _t(MAN), "caporal": _t(MAN), "soldat": _t(MAN), "aviateur": _t(MAN),
    "aviatrice": _t(WOMAN), "président": _t(MAN), "présidente": _t(WOMAN),
    "bourgmestre": _t(None), "échevin": _t(MAN), "ministre": _t(None), "sénateur": _t(MAN),
    "député": _t(MAN), "maire": _t(None), "doyen": _t(MAN), "major": _t(MAN), "ambassadeur": _t(MAN),
    "bâtonnier": _t(MAN), "chevalier": _t(MAN, True), "vicomtesse": _t(WOMAN, True),
}

_IT_TITLES: dict[str, T] = {
    "san": _t(MAN, True), "santo": _t(MAN, True), "sant'": _t(None, True), "santa": _t(WOMAN, True),
    "s.": _t(None, True), "madonna": _t(WOMAN, True), "nostra signora": _t(WOMAN, True),
    "beato": _t(MAN, True), "beata": _t(WOMAN, True), "don": _t(MAN), "donna": _t(WOMAN),
    "padre": _t(MAN), "madre": _t(WOMAN), "suor": _t(WOMAN), "fra": _t(MAN), "frate": _t(MAN),
    "papa": _t(MAN), "cardinale": _t(MAN), "card.": _t(MAN), "monsignor": _t(MAN),
    "mons.": _t(MAN), "vescovo": _t(MAN), "re": _t(MAN, True), "regina": _t(WOMAN, True),
    "principe": _t(MAN, True), "principessa": _t(WOMAN, True), "conte": _t(MAN, True),
    "contessa": _t(WOMAN, True), "duca": _t(MAN, True), "duchessa": _t(WOMAN, True),
    "marchese": _t(MAN, True), "marchesa": _t(WOMAN, True), "imperatore": _t(MAN, True),
    "imperatrice": _t(WOMAN, True),
    "dottor": _t(MAN), "dottore": _t(MAN), "dott.": _t(MAN), "dottoressa": _t(WOMAN),
    "dott.ssa": _t(WOMAN), "professor": _t(MAN), "professore": _t(MAN), "professoressa": _t(WOMAN),
    "prof.": _t(None), "ingegnere": _t(MAN), "ing.": _t(None), "avvocato": _t(MAN),
    "avv.": _t(None), "maestro": _t(MAN), "maestra": _t(WOMAN), "generale": _t(MAN),
    "gen.": _t(MAN), "colonnello": _t(MAN), "col.": _t(MAN), "capitano": _t(MAN),
    "cap.": _t(MAN), "ammiraglio": _t(MAN), "maresciallo": _t(MAN), "tenente": _t(MAN),
    "ten.": _t(MAN), "sergente": _t(MAN), "presidente": _t(MAN), "sindaco": _t(None),
    "onorevole": _t(None), "on.": _t(None), "poeta": _t(MAN), "poetessa": _t(WOMAN),
    "pittore": _t(MAN), "pittrice": _t(WOMAN), "scultore": _t(MAN), "scrittore": _t(MAN),
    "scrittrice": _t(WOMAN),
}

_EN_TITLES: dict[str, T] = {
    # English "Saint"/"St" and most professions do not tell the gender.
    "saint": _t(None, True), "st": _t(None, True), "st.": _t(None, True), "our lady": _t(WOMAN, True),
    "king": _t(MAN, True), "queen": _t(WOMAN, True), "prince": _t(MAN, True),
    "princess": _t(WOMAN, True), "duke": _t(MAN, True), "duchess": _t(WOMAN, True),
    "earl": _t(MAN, True), "countess": _t(WOMAN, True), "lord": _t(MAN, True), "lady": _t(WOMAN, True),
    "sir": _t(MAN), "dame": _t(WOMAN), "mr": _t(MAN), "mr.": _t(MAN), "mrs": _t(WOMAN),
    "mrs.": _t(WOMAN), "miss": _t(WOMAN), "ms": _t(WOMAN), "ms.": _t(WOMAN),
    "father": _t(MAN), "mother": _t(WOMAN), "sister": _t(WOMAN), "brother": _t(MAN),
    "pope": _t(MAN), "cardinal": _t(MAN), "bishop": _t(None), "reverend": _t(None), "rev.": _t(None),
    "doctor": _t(None), "dr": _t(None), "dr.": _t(None), "professor": _t(None), "general": _t(None),
    "admiral": _t(None), "captain": _t(None), "president": _t(None), "mayor": _t(None),
}

_DE_TITLES: dict[str, T] = {
    "sankt": _t(None, True), "st.": _t(None, True), "heilige": _t(None, True),
    "unsere liebe frau": _t(WOMAN, True), "könig": _t(MAN, True), "königin": _t(WOMAN, True),
    "kaiser": _t(MAN, True), "kaiserin": _t(WOMAN, True), "prinz": _t(MAN, True),
    "prinzessin": _t(WOMAN, True), "prinzregent": _t(MAN, True), "herzog": _t(MAN, True),
    "herzogin": _t(WOMAN, True), "graf": _t(MAN, True), "gräfin": _t(WOMAN, True),
    "fürst": _t(MAN, True), "fürstin": _t(WOMAN, True), "kurfürst": _t(MAN, True),
    "markgraf": _t(MAN, True), "bischof": _t(MAN), "kardinal": _t(MAN), "papst": _t(MAN),
    "pfarrer": _t(MAN), "pfarrerin": _t(WOMAN), "pastor": _t(None), "schwester": _t(WOMAN),
    "bruder": _t(MAN), "pater": _t(MAN), "frau": _t(WOMAN), "herr": _t(MAN),
    "doktor": _t(None), "dr.": _t(None), "professor": _t(MAN), "professorin": _t(WOMAN),
    "prof.": _t(None), "general": _t(MAN), "admiral": _t(MAN), "bürgermeister": _t(MAN),
    "bürgermeisterin": _t(WOMAN), "oberbürgermeister": _t(MAN), "kapitän": _t(MAN),
}

_NL_TITLES: dict[str, T] = {
    "sint": _t(None, True), "st.": _t(None, True), "onze-lieve-vrouw": _t(WOMAN, True),
    "onze lieve vrouw": _t(WOMAN, True), "koning": _t(MAN, True), "koningin": _t(WOMAN, True),
    "prins": _t(MAN, True), "prinses": _t(WOMAN, True), "keizer": _t(MAN, True),
    "keizerin": _t(WOMAN, True), "graaf": _t(MAN, True), "gravin": _t(WOMAN, True),
    "hertog": _t(MAN, True), "hertogin": _t(WOMAN, True), "pater": _t(MAN), "pastoor": _t(MAN),
    "kardinaal": _t(MAN), "paus": _t(MAN), "bisschop": _t(MAN), "zuster": _t(WOMAN),
    "broeder": _t(MAN), "mevrouw": _t(WOMAN), "meneer": _t(MAN), "dokter": _t(None),
    "professor": _t(None), "generaal": _t(MAN), "kapitein": _t(MAN), "majoor": _t(MAN),
    "luitenant": _t(MAN), "burgemeester": _t(None), "minister": _t(None), "kanunnik": _t(MAN),
    "abt": _t(MAN),
}

#: Titles used in street names whatever the city's language ("Lord Byron",
#: "Sir Edmund Hillary", "Mahatma Gandhi", "Madame Curie").
_COMMON_TITLES: dict[str, T] = {
    "lord": _t(MAN, True), "sir": _t(MAN), "lady": _t(WOMAN, True), "dame": _t(WOMAN),
    "mahatma": _t(MAN, True), "madame": _t(WOMAN), "mme": _t(WOMAN), "miss": _t(WOMAN),
}

TITLES: dict[str, dict[str, T]] = {
    "*": _COMMON_TITLES,
    "es": _ES_TITLES, "ca": _CA_TITLES, "gl": _GL_TITLES, "pt": _PT_TITLES, "fr": _FR_TITLES,
    "it": _IT_TITLES, "en": _EN_TITLES, "de": _DE_TITLES, "nl": _NL_TITLES,
}

#: Titles in the plural: several people. value = the mix.
PLURAL_TITLES: dict[str, dict[str, str]] = {
    "es": {"hermanos": "men", "hermanas": "women", "reyes católicos": "mixed", "reyes magos": "men",
           "condes": "mixed", "duques": "mixed", "marqueses": "mixed", "santos": "men",
           "santas": "women", "mártires": "mixed", "doctores": "men", "padres": "men",
           "hermanos de": "men", "príncipes": "mixed", "esposos": "mixed",
           "madres": "women", "hijas": "women", "hijos": "men", "abuelas": "women"},
    "ca": {"germans": "men", "germanes": "women", "reis catòlics": "mixed", "comtes": "mixed",
           "sants": "men", "santes": "women", "màrtirs": "mixed"},
    "gl": {"irmáns": "men", "irmás": "women"},
    "pt": {"irmãos": "men", "irmãs": "women", "reis": "mixed", "condes": "mixed"},
    "fr": {"frères": "men", "sœurs": "women", "soeurs": "women", "époux": "mixed", "saints": "men",
           "saintes": "women"},
    "it": {"fratelli": "men", "sorelle": "women", "coniugi": "mixed", "martiri": "mixed"},
    "en": {"brothers": "men", "sisters": "women"},
    "de": {"geschwister": "mixed", "gebrüder": "men", "brüder": "men", "schwestern": "women"},
    "nl": {"gebroeders": "men", "zusters": "women"},
}

#: Epithets of the Virgin used alone ("Calle de la Milagrosa"): a woman-named
#: religious figure, like "Virgen" (see the note above the titles).
VIRGIN_EPITHETS = {"milagrosa", "inmaculada", "purísima", "dolorosa", "macarena", "pilarica",
                   "almudena", "moreneta", "divina pastora", "inmaculada concepción",
                   "purísima concepción", "immaculada", "puríssima"}

#: Masculine professions and offices that Spanish, Catalan and Portuguese long
#: used for women too ("Arquitecto Julia Guarino", "Ingeniero Emilia Loedel"):
#: they imply a man only when the first name does not say otherwise.
GENERIC_MASCULINE = {
    "doctor", "dr.", "dr", "profesor", "professor", "maestro", "mestre", "ingeniero", "enginyer",
    "engenheiro", "arquitecto", "arquitecte", "arquiteto", "pintor", "escultor", "compositor",
    "músico", "músic", "escritor", "escriptor", "abogado", "advocat", "licenciado", "médico", "metge",
    "químico", "científico", "filósofo", "matemático", "historiador", "periodista", "presidente",
    "president", "alcalde", "ministro", "ministre", "diputado", "diputat", "senador", "concejal",
    "intendente", "gobernador", "doutor", "contador", "educador", "pedagogo", "aviador",
    "fotógrafo", "dramaturgo", "cirujano", "farmacéutico", "explorador", "secretario", "embajador",
    "vereador", "deputado", "prefeito", "actor", "tenor", "mtro.",
}

# --- non-person words --------------------------------------------------------
# A reading whose first significant word is one of these names a thing.
# reason -> words (all languages together: the words rarely clash across them).

NON_PERSON_WORDS: dict[str, set[str]] = {
    "place": {
        # es / gl / pt
        "iglesia", "puerto", "río", "rio", "mar", "mercado", "estación", "cementerio", "mayor", "real",
        "norte", "sur", "este", "oeste", "oriente", "poniente", "levante", "centro", "puente",
        "molino", "molinos", "fuente", "fuentes", "huerta", "huertas", "campo", "campos", "monte",
        "montes", "sierra", "valle", "lago", "laguna", "arroyo", "playa", "barrio", "cuartel",
        "hospital", "colegio", "escuela", "universidad", "cooperativa", "ferrocarril", "aeropuerto",
        "carretera", "cerro", "loma", "lomas", "bahía", "isla", "islas", "castillo", "palacio",
        "convento", "monasterio", "ermita", "catedral", "parroquia", "capilla", "torre", "torres",
        "muralla", "murallas", "puerta", "plaza", "mercat", "estació", "cementiri", "riu", "font",
        "pont", "muntanya", "platja", "port", "església", "ermita", "castell", "mas", "masia",
        "can", "cal", "ca", "serra", "vall", "bosc", "pla", "prat", "turó", "collada", "coll",
        "rambla", "riera", "torrent", "estrada", "praia", "ponte", "igreja", "estação", "mercado",
        "fonte", "quinta", "granja", "cortijo", "alquería", "ventas", "venta", "dehesa", "prado",
        "pradera", "camino", "avenida", "calle", "paseo", "frontón", "estadio", "canal", "acequia",
        "embalse", "presa", "mina", "minas", "salinas", "cantera", "olivar", "viñas", "pinar",
        "encinar", "alameda", "jardín", "jardines", "parque", "cerrito", "cuchilla", "paso",
        "rincón", "vista", "mirador", "balcón", "solar", "tejar", "tejares", "horno", "hornos",
        "fábrica", "aduana", "correo", "correos", "matadero", "lavadero", "pozo", "pozos", "noria",
        "aljibe", "cañada", "vereda", "calzada", "ronda", "glorieta", "costa", "cuesta",
        "continente", "provincia", "departamento", "ciudad", "villa", "pueblo", "aldea", "país",
        "nación", "república", "estado", "municipio", "comarca",
        # fr / it / en / de / nl
        "église", "gare", "marché", "cimetière", "rivière", "fleuve", "bois", "forêt", "moulin",
        "château", "chateau", "abbaye", "chapelle", "école", "hôpital", "chiesa", "stazione",
        "mercato", "cimitero", "fiume", "mulino", "castello", "church", "station", "market",
        "cemetery", "river", "mill", "castle", "school", "hospital", "kirche", "bahnhof", "markt",
        "friedhof", "fluss", "mühle", "schloss", "schule", "kerk", "markt", "kerkhof", "molen",
        "kasteel", "school", "station",
    },
    "concept": {
        "paz", "libertad", "independencia", "constitución", "república", "progreso", "unión",
        "democracia", "igualdad", "fraternidad", "justicia", "trabajo", "industria", "comercio",
        "agricultura", "patria", "esperanza", "amistad", "concordia", "porvenir", "futuro",
        "solidaridad", "oficial", "reforma", "victoria", "revolución", "paix", "liberté", "pau",
        "llibertat", "independència", "progrés", "treball", "indústria", "liberdade", "paz",
        "pace", "libertà", "peace", "liberty", "freedom", "frieden", "freiheit", "vrede", "vrijheid",
        "cultura", "educación", "ciencia", "arte", "artes", "música", "poesía", "deporte",
        "naturaleza", "vida", "alegría", "armonía", "ilustración", "orden", "unidad", "soberanía",
    },
    "event": {
        "batalla", "sitio", "combate", "revolución", "grito", "tratado", "congreso", "cabildo",
        "exposición", "olimpiada", "juegos", "jura", "asamblea", "guerra", "defensa", "reconquista",
        "cruzada", "desembarco", "éxodo", "exodo", "armisticio", "liberación", "bataille",
        "libération", "battaglia", "battle", "schlacht", "slag", "batalla de", "expedición",
        "centenario", "bicentenario", "sesquicentenario", "aniversario", "jornada", "jornadas",
        "exposició", "olimpíada", "olímpica", "mundial",
    },
    "ship": {"fragata", "corbeta", "goleta", "carabela", "navío", "bergantín", "vapor", "nau",
             "galeón", "barco", "acorazado", "crucero", "submarino", "buque", "fragata", "nave",
             "frégate", "navire", "ship"},
    "plant": {
        "olivos", "rosas", "pinos", "acacias", "palmeras", "mimbres", "mirtos", "álamos", "alamos",
        "almendros", "cerezos", "naranjos", "limoneros", "robles", "encinas", "castaños",
        "claveles", "lirios", "jazmines", "azucenas", "violetas", "margaritas", "geranios",
        "tulipanes", "orquídeas", "amapolas", "hortensias", "camelias", "magnolias", "glicinas",
        "madreselvas", "lilas", "dalias", "girasoles", "laureles", "cipreses", "eucaliptos",
        "plátanos", "sauces", "fresnos", "abedules", "tilos", "nogales", "higueras", "parras",
        "vides", "ceibos", "jacarandás", "lapachos", "tipas", "palmas", "olmos", "chopos",
        "avellanos", "manzanos", "perales", "jaras", "retamas", "tomillo", "romero", "lavanda",
        "espliego", "helechos", "juncos", "cañas", "trigo", "cebada", "olivo", "pino", "roble",
        "encina", "ceibo", "jacarandá", "palmera", "acacia", "álamo", "almendro", "laurel",
        "ciprés", "olmo", "castaño", "nogal", "higuera", "rosal", "clavel", "lirio", "jazmín",
        "oliveres", "pins", "roses", "acàcies", "alzines", "til·lers", "ametllers", "tarongers",
        "figueres", "violers", "gessamins", "clavells", "lliris", "margarides", "til·ler",
        "pins", "roures", "castanyers", "noguers", "pollancres", "plàtans", "oliveira",
        "oliveiras", "rosas", "pinheiros", "acácias", "laranjeiras", "mangueiras", "palmeiras",
        "ipês", "tilleuls", "chênes", "platanes", "marronniers", "peupliers", "tilleul", "chêne",
        "tigli", "platani", "pini", "ulivi", "querce", "oaks", "elms", "pines", "limes", "willows",
        "birches", "maples", "linden", "eichen", "linden", "birken", "tannen", "buchen", "eiken",
        "linden", "beuken", "berken", "wilgen", "rozen", "tulpen", "flores", "flors", "fleurs",
    },
    "animal": {
        "golondrinas", "palomas", "águilas", "aguilas", "gaviotas", "ciervo", "ciervos", "lobo",
        "lobos", "leones", "león", "toros", "caballos", "gorriones", "jilgueros", "ruiseñores",
        "cigüeñas", "halcones", "cóndor", "condor", "zorzales", "horneros", "teros", "colibríes",
        "mariposas", "abejas", "delfines", "ballenas", "osos", "oso", "liebres", "conejos",
        "perdices", "codornices", "garzas", "flamencos", "pelícanos", "canarios", "mirlos",
        "orenetes", "coloms", "àligues", "gavines", "llops", "cérvols", "andorinhas", "pombas",
        "gaivotas", "hirondelles", "alouettes", "rossignols", "aigles", "lions", "swallows",
        "eagles", "lions", "schwalben", "adler", "zwaluwen", "pelícano", "gaviota", "golondrina",
        "paloma", "águila", "halcón", "gorrión", "jilguero", "ruiseñor", "cigüeña", "mirlo",
        "zorzal", "hornero", "tero", "benteveo", "calandria", "cardenal azul",
    },
    "religious": {"santísimo", "sagrado", "sagrada", "santísima", "espíritu", "trinidad",
                  "santíssim", "sagrat", "esperit", "trinitat", "santíssima", "sacramento",
                  "sacré", "sacré-cœur", "sacro", "sacra", "divina providencia",
                  "providencia", "misericordia", "redención", "resurrección", "ascensión",
                  "anunciación", "visitación", "cruz", "creu", "croix", "corpus christi"},
}

#: Words of the lists above that are also common surnames or given names
#: ("Torres García", "Costa i Llobera", "León Pinelo", "Prat de la Riba"): they
#: only mark a thing when an article stands before them ("Carrer de la Font",
#: "Calle del Prado").
NEEDS_ARTICLE = {
    "torres", "torre", "fuentes", "fuente", "campos", "campo", "montes", "monte", "prado", "cruz",
    "mas", "villa", "rincón", "vista", "paso", "solar", "costa", "ronda", "valle", "sierra", "lago",
    "puerta", "palacio", "castillo", "mina", "canal", "pozo", "horno", "león", "leones", "lobo",
    "oso", "pino", "romero", "flores", "olivo", "roble", "nogal", "palma", "palmas", "laurel",
    "cristo", "crist", "iglesias", "mercado", "puente", "real", "granja", "quinta", "pla", "prat",
    "font", "serra", "riera", "torrent", "coll", "vall", "estrada", "camino", "paz", "trinidad",
    "providencia", "esperanza", "victoria", "rosas", "molina", "rio", "río", "mar", "vega", "castell",
    "pont", "port", "bosc", "centro", "mayor", "montaña", "isla", "navarro", "colegio", "vida",
    "orden", "cardenal azul", "sitio", "jura", "guerra", "vapor", "nave", "pinos", "robles",
    "leon", "ceibo", "palmera", "parras", "cabildo", "defensa", "cultura", "arte", "armonía",
    "union", "unión", "ciudad", "estado", "villa", "pueblo", "capilla", "alameda", "cañas",
    "flor", "flors", "fleurs", "rose", "roses", "lions", "tilleul", "chêne", "linden", "font",
    "castello", "corpus",
}

#: Whole readings that name a thing even though they look like a titled person.
NON_PERSON_PHRASES: dict[str, str] = {
    "santa cruz": "religious", "santa fe": "place", "santa faz": "religious",
    "santa creu": "religious", "santa espina": "religious", "espíritu santo": "religious",
    "esperit sant": "religious", "santa sede": "place", "corpus christi": "religious",
    "santo sepulcro": "religious",
    "niña": "ship", "la niña": "ship", "pinta": "ship", "la pinta": "ship",
    "mare nostrum": "place",
    "tierra santa": "place", "semana santa": "event", "santa hermandad": "event",
    "plaza mayor": "place", "santa creu i sant pau": "place",
}

#: Given names that are also ordinary words, places or sacred dedications, so
#: that alone ("Calle Mercedes", "Rue Blanche") they do not prove a person. With a
#: surname they are ordinary first names ("Mercedes Sosa").
AMBIGUOUS_GIVEN_NAMES = {
    "mercedes", "pilar", "candelaria", "iris", "selene", "blanche", "rosa", "luz", "paz",
    "concepción", "asunción", "victoria", "esperanza", "soledad", "dolores", "consuelo",
    "rosario", "aurora", "estrella", "flor", "azucena", "margarita", "violeta", "amparo",
    "gloria", "fe", "caridad", "remedios", "mar", "nieves", "montserrat", "lourdes", "fátima",
    "guadalupe", "covadonga", "begoña", "loreto", "rocío", "trinidad", "sol", "alba",
    "ángeles", "natividad", "purificación", "carmen", "florida", "palmira", "valencia",
    "florencia", "constanza", "regina", "aurore", "rose", "marguerite", "violette", "fleur",
    "olympe", "providence", "ruby", "hope", "grace", "joy", "faith", "primavera", "camelia",
    "dalia", "hortensia", "jacinta", "jazmín", "celeste", "océano", "marina", "oriental",
    "salvador", "jesús", "cruz", "angel", "ángel", "santiago", "domingo", "pascual", "reyes",
    "inmaculada", "milagros", "araceli", "montaña", "nazaret", "belén", "lucero", "estela",
    "libertad", "patria", "américa", "africa", "europa", "asia", "oceanía", "colon", "colón",
    "cristal", "perla", "diamante", "esmeralda", "rubí", "coral", "ámbar", "oro", "plata",
    "armonía", "bonita", "linda", "felicidad", "primavera", "verano", "otoño", "invierno",
    "paloma", "palmira", "jazmín", "azahar", "nieves", "esperanza", "victoria", "paz",
    "ascensión", "anunciación", "visitación", "encarnación", "resurrección", "providencia",
}

# --- dates and numbers -------------------------------------------------------

MONTHS = {
    # es / gl / pt / ca / fr / it / en / de / nl
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "setiembre", "octubre", "noviembre", "diciembre",
    "xaneiro", "febreiro", "marzo", "abril", "maio", "xuño", "xullo", "agosto", "setembro",
    "outubro", "novembro", "decembro",
    "janeiro", "fevereiro", "março", "junho", "julho", "dezembro",
    "gener", "febrer", "març", "maig", "juny", "juliol", "agost", "setembre", "octubre",
    "novembre", "desembre",
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
    "gennaio", "febbraio", "aprile", "maggio", "giugno", "luglio", "settembre", "ottobre",
    "dicembre",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
    "januar", "februar", "märz", "juni", "juli", "oktober", "dezember",
    "januari", "februari", "maart", "mei", "augustus",
}

NUMBER_WORDS = {
    # es / gl / pt / ca / fr / it / en / de / nl ordinals and cardinals 1..31 as used in dates
    "uno", "un", "una", "primero", "primer", "dos", "tres", "cuatro", "cinco", "seis", "siete",
    "ocho", "nueve", "diez", "once", "doce", "trece", "catorce", "quince", "dieciséis",
    "diecisiete", "dieciocho", "diecinueve", "veinte", "veintiuno", "veintidós", "veintitrés",
    "veinticuatro", "veinticinco", "veintiséis", "veintisiete", "veintiocho", "veintinueve",
    "treinta", "treinta y uno", "um", "primeiro", "duas", "três", "quatro", "sete", "oito",
    "nove", "dez", "onze", "doze", "treze", "catorze", "quinze", "dezesseis", "vinte",
    "u", "primer", "dues", "quatre", "cinc", "sis", "set", "vuit", "nou", "deu", "dotze", "tretze",
    "setze", "disset", "divuit", "dinou", "vint", "trenta",
    "premier", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize", "vingt", "trente",
    "primo", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "dieci", "undici",
    "dodici", "venti", "trenta",
    "first", "second", "third", "fourth", "fifth", "one", "two", "three", "four", "five",
}

ROMAN_RE = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.I)
