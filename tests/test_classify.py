"""The decision per street: order of trust, namesake kinds, propagation (no network)."""
from app.classify import (
    build_evidence_from_reading,
    decide,
    decide_without_wikidata,
    propagate_within_city,
)
from app.domain import Decision, Namesake, Evidence, Street
from app.names import read_street_name
from app.nomenclator import classify_name_list


def human(qid, gender):
    return Namesake(qid=qid, gender=gender, kind="human")


ENTITIES = {
    "Q1": human("Q1", "woman"),
    "Q2": human("Q2", "man"),
    "Q3": human("Q3", "woman"),
    "Q4": human("Q4", "man"),
    "Q5": human("Q5", "woman"),
    "Q9": Namesake(qid="Q9", kind="thing", gender=None),
    "Q10": Namesake(qid="Q10", kind="group", gender=None),
    "Q11": Namesake(qid="Q11", kind="fictional", gender="woman"),
    "Q12": human("Q12", None),
}


def ev(source, qids=(), category=None):
    return Evidence(source=source, qids=list(qids), category=category)


def test_order_of_trust_each_level_beats_the_next():
    reading = read_street_name("Calle de Santa Ana López", ["es"])
    ladder = [
        ev("review", ["Q1"]),
        ev("osm_tag", ["Q2"]),
        ev("street_item", ["Q3"]),
        ev("wikidata_street", ["Q4"]),
        ev("name_match", ["Q5"]),
    ]
    expected = ["Q1", "Q2", "Q3", "Q4", "Q5"]
    for start in range(len(ladder)):
        evidence = list(reversed(ladder[start + 1:])) + build_evidence_from_reading(reading, "ES")
        review = ladder[start] if start == 0 else None
        if start:
            evidence.append(ladder[start])
        decision = decide("x", reading, evidence, ENTITIES, review=review)
        assert decision.qids == [expected[start]]
        assert decision.source == ladder[start].source
        assert len(decision.evidence) == len(evidence) + (1 if review else 0)


def test_title_beats_first_name():
    reading = read_street_name("Calle Santa Juan Pérez", ["es"])  # contrived clash
    evidence = build_evidence_from_reading(reading, "ES")
    sources = {e.source: e.category for e in evidence}
    assert sources == {"title": "woman", "first_name": "man"}
    decision = decide("x", reading, evidence, {})
    assert decision.category == "woman" and decision.source == "title"


def test_wikidata_thing_beats_title_for_santa_lucia():
    reading = read_street_name("Calle Santa Lucía", ["es"])
    offline = decide("x", reading, build_evidence_from_reading(reading, "UY"), {})
    assert offline.category == "woman" and offline.source == "title"
    river = Namesake(qid="Q20", kind="thing")
    online = decide("x", reading, [ev("name_match", ["Q20"])] + build_evidence_from_reading(reading, "UY"),
                    {"Q20": river})
    assert online.category == "not_person" and online.source == "name_match"
    assert any(e.source == "title" for e in online.evidence)  # the evidence is kept


def test_rule_beats_title_and_first_name_but_not_wikidata():
    reading = read_street_name("Carrer de la Nau Santa Maria", ["ca", "es"])
    decision = decide("x", reading, build_evidence_from_reading(reading, "ES"), {})
    assert decision.category == "not_person" and decision.source == "rule"
    tagged = decide("x", reading, [ev("osm_tag", ["Q1"])] + build_evidence_from_reading(reading, "ES"), ENTITIES)
    assert tagged.category == "woman" and tagged.source == "osm_tag"


def test_several_qids_give_several_with_mix():
    assert decide("x", None, [ev("osm_tag", ["Q1", "Q3"])], ENTITIES).mix == "women"
    assert decide("x", None, [ev("osm_tag", ["Q2", "Q4"])], ENTITIES).mix == "men"
    mixed = decide("x", None, [ev("osm_tag", ["Q1", "Q2"])], ENTITIES)
    assert mixed.category == "several" and mixed.mix == "mixed" and mixed.qids == ["Q1", "Q2"]


def test_one_human_among_things_is_that_person():
    decision = decide("x", None, [ev("osm_tag", ["Q9", "Q2"])], ENTITIES)
    assert decision.category == "man" and decision.qids == ["Q2"]


def test_group_and_fictional_kinds():
    assert decide("x", None, [ev("osm_tag", ["Q10"])], ENTITIES).category == "several"
    fictional = decide("x", None, [ev("osm_tag", ["Q11"])], ENTITIES)
    assert fictional.category == "woman"
    assert "fictional" in fictional.evidence[0].detail


def test_human_without_gender_is_a_person_of_unknown_gender():
    decision = decide("x", None, [ev("name_match", ["Q12"])], ENTITIES)
    assert decision.category == "unknown" and decision.source == "name_match"
    assert decision.qids == ["Q12"] and decision.needs_review
    assert "person of unknown gender" in decision.evidence[0].detail
    # a first name can still give the gender, at low confidence, keeping the QID
    reading = read_street_name("Calle Juana Pérez", ["es"])
    withname = decide("x", reading, [ev("name_match", ["Q12"])] + build_evidence_from_reading(reading, "ES"),
                      ENTITIES)
    assert withname.category == "woman" and withname.confidence == "low" and withname.qids == ["Q12"]


def test_unfetched_qid_falls_through():
    reading = read_street_name("Calle Juana Pérez", ["es"])
    decision = decide("x", reading, [ev("osm_tag", ["Q999"])] + build_evidence_from_reading(reading, "ES"), {})
    assert decision.source == "first_name"


def test_conflict_flags_review():
    decision = decide("x", None, [ev("osm_tag", ["Q1"]), ev("name_match", ["Q2"])], ENTITIES)
    assert decision.category == "woman" and decision.needs_review
    agree = decide("x", None, [ev("osm_tag", ["Q1"]), ev("name_match", ["Q1"])], ENTITIES)
    assert not agree.needs_review


def test_offline_required_non_person_cases():
    for name, country in [("Calle Mercedes", "UY"), ("Calle Iris", "ES"), ("Calle Selene", "ES"),
                          ("Calle Pilar", "ES"), ("Calle Candelaria", "ES"), ("Rue Blanche", "FR")]:
        _reading, decision = decide_without_wikidata(name, ["es", "fr"], country)
        assert decision.category == "unknown", name
    for name in ["Calle Niña", "Rue du 8 mai 1945", "Avenida 18 de Julio", "Calle de los Olivos"]:
        _reading, decision = decide_without_wikidata(name, ["es", "fr"], "ES")
        assert decision.category == "not_person", name


def test_generic_masculine_title_yields_to_womans_first_name():
    _r, decision = decide_without_wikidata("Arquitecto Julia Guarino", ["es"], "UY")
    assert decision.category == "woman" and decision.source == "first_name"
    _r, decision = decide_without_wikidata("Arquitecto Juan Scasso", ["es"], "UY")
    assert decision.category == "man" and decision.source == "title"


def test_plural_title_offline():
    _r, decision = decide_without_wikidata("Calle Hermanas Mirabal", ["es"], "ES")
    assert decision.category == "several" and decision.mix == "women"


def street(key, name):
    return Street(key=key, name=name, osm_ids=[f"way/{key}"], lines=[], length_m=1.0)


def test_propagation_when_tagged_streets_agree():
    streets = [street("a", "Calle Clara Campoamor"), street("b", "Calle Clara  campoamor"),
               street("c", "Calle Clara Campoamor")]
    tagged = Decision("woman", "osm_tag", "high", qids=["Q1"])
    weak = Decision("woman", "first_name", "medium")
    out = propagate_within_city(streets, {"a": tagged, "b": weak, "c": tagged})
    assert out["b"].source == "osm_tag" and out["b"].qids == ["Q1"]
    assert weak.source == "first_name"  # inputs untouched


def test_no_propagation_when_tagged_streets_disagree_or_reviewed():
    streets = [street("a", "Calle Sol"), street("b", "Calle Sol"), street("c", "Calle Sol")]
    decisions = {"a": Decision("woman", "osm_tag", "high", qids=["Q1"]),
                 "b": Decision("man", "osm_tag", "high", qids=["Q2"]),
                 "c": Decision("unknown", None, "low")}
    assert propagate_within_city(streets, decisions)["c"].source is None
    reviewed = {"a": Decision("woman", "osm_tag", "high", qids=["Q1"]),
                "b": Decision("not_person", "review", "high")}
    assert propagate_within_city(streets[:2], reviewed)["b"].category == "not_person"


def test_classify_name_list_offline_and_with_lookup():
    names = ["Calle de Clara Campoamor", "Avenida 18 de Julio", "Calle Mercedes"]
    rows = classify_name_list(names, ["es"], "ES")
    assert [r["category"] for r in rows] == ["woman", "not_person", "unknown"]
    assert all(r["wikidata_id"] == "" for r in rows)
    assert set(rows[0]) >= {"name", "person", "category", "source", "confidence", "wikidata_id"}

    calls = []

    def lookup(persons, languages, country):
        calls.append(persons)
        return {"Santa Lucía del Este": ([ev("name_match", ["Q9"])], {"Q9": ENTITIES["Q9"]})}

    rows = classify_name_list(names + ["Calle Santa Lucía del Este"], ["es"], "UY", namesake_lookup=lookup)
    # Dates and bare single words ("Mercedes": a city) are never looked up among humans.
    assert "18 de Julio" not in calls[0] and "Mercedes" not in calls[0]
    assert rows[2]["category"] == "unknown" and rows[2]["wikidata_id"] == ""
    # When Wikidata knows the name as a thing, the thing wins over the title "Santa".
    assert rows[3]["category"] == "not_person" and rows[3]["wikidata_id"] == "Q9"


def test_nomenclator_csv_roundtrip(tmp_path):
    from app.nomenclator import classify_csv, read_names

    source = tmp_path / "names.csv"
    source.write_text("\ufeffnombre;barrio\nCalle de Clara Campoamor;Centro\nAvenida 25 de Mayo;Sur\n",
                      encoding="utf-8")
    assert read_names(source) == ["Calle de Clara Campoamor", "Avenida 25 de Mayo"]
    assert read_names(source, column="barrio") == ["Centro", "Sur"]
    plain = tmp_path / "plain.csv"
    plain.write_text("Calle de Clara Campoamor\nCalle Iris\n", encoding="utf-8")
    assert read_names(plain) == ["Calle de Clara Campoamor", "Calle Iris"]

    out = tmp_path / "out.csv"
    rows = classify_csv(source, out, ["es"], "ES")
    assert [r["category"] for r in rows] == ["woman", "not_person"]
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith('"name","person","category","source","confidence","wikidata_id"')
    assert len(lines) == 3

    import io

    stream = io.StringIO()  # the CLI passes an open stream
    classify_csv(plain, stream, ["es"], "ES", column=None)
    assert stream.getvalue().splitlines()[1].startswith('"Calle de Clara Campoamor","Clara Campoamor","woman"')


def test_a_review_without_ids_is_final():
    from app.classify import decide as decide_street
    from app.names import read_street_name

    reading = read_street_name("Calle Laura Ramírez", ["es"])
    review = Evidence("review", category="unknown", confidence="high", detail="not sure who")
    guessed = decide_street("Calle Laura Ramírez", reading, build_evidence_from_reading(reading, "UY"), {})
    assert guessed.category == "woman"
    decided = decide_street("Calle Laura Ramírez", reading, build_evidence_from_reading(reading, "UY"), {},
                            review=review)
    assert (decided.category, decided.source, decided.needs_review) == ("unknown", "review", False)


def test_review_conflicts_compare_what_the_review_said():
    from app.classify import review_conflict

    auto = Decision("man", "name_match", "medium", qids=["Q900002"])
    assert review_conflict(auto, Decision("man", "review", "high"), []) is None  # same category, no ids given
    assert review_conflict(auto, Decision("man", "review", "high", qids=["Q900003"]), ["Q900003"])
    assert "name_match" in review_conflict(auto, Decision("not_person", "review", "high"), [])
    # A review that filled a gap contradicts nothing; nor do our own guesses.
    assert review_conflict(Decision("unknown", "osm_tag", "high", qids=["Q8"]),
                           Decision("woman", "review", "high"), []) is None
    assert review_conflict(Decision("woman", "first_name", "low"), Decision("man", "review", "high"), []) is None


def test_saints_and_titles_of_the_virgin_are_flagged_religious():
    for name in ("Calle Virgen del Carmen", "Calle Nuestra Señora de Fátima", "Calle Santa Lucía"):
        _reading, decision = decide_without_wikidata(name, ["es"], "ES")
        assert decision.category == "woman" and decision.religious, name
    _reading, decision = decide_without_wikidata("Avinguda de la Mare de Déu de Montserrat", ["ca", "es"], "ES")
    assert decision.category == "woman" and decision.religious
    _reading, decision = decide_without_wikidata("Calle Juana de Ibarbourou", ["es"], "UY")
    assert decision.category == "woman" and not decision.religious


def test_a_title_of_the_virgin_counts_as_a_woman_although_wikidata_says_thing():
    reading = read_street_name("Calle Virgen del Carmen", ["es"])
    devotion = Namesake(qid="Q30", kind="thing")
    decision = decide("x", reading, [ev("osm_tag", ["Q30"])] + build_evidence_from_reading(reading, "ES"),
                      {"Q30": devotion})
    assert decision.category == "woman" and decision.religious and decision.qids == ["Q30"]
    assert any("title of the Virgin" in e.detail for e in decision.evidence)


def test_wikidata_says_whether_a_san_is_a_saint():
    reading = read_street_name("Calle San Martín", ["es"])
    general = Namesake(qid="Q31", kind="human", gender="man")
    saint = Namesake(qid="Q32", kind="human", gender="man", canonized=True)
    evidence = build_evidence_from_reading(reading, "AR")
    assert not decide("x", reading, [ev("osm_tag", ["Q31"])] + evidence, {"Q31": general}).religious
    assert decide("x", reading, [ev("osm_tag", ["Q32"])] + evidence, {"Q32": saint}).religious


def test_places_and_titles_alone_are_not_people():
    for name in ("Calle Valle de Mena", "Calle Sierra de Segura", "Calle Peña de Francia", "Calle Estrella Denébola",
                 "Calle Isla Malaita", "Calle Aurora Boreal", "Calle Mira el Río", "Calle Cabo de Creus",
                 "Calle Puente la Reina", "Calle San Petersburgo"):
        reading, decision = decide_without_wikidata(name, ["es"], "ES")
        assert decision.category == "not_person", (name, decision)
        assert not decision.religious
    for name, title in (("Calle del Príncipe", "Príncipe"), ("Calle del Gobernador", "Gobernador"),
                        ("Calle del Conde Duque", "Conde Duque")):
        reading, decision = decide_without_wikidata(name, ["es"], "ES")
        assert decision.category == "unknown", name
        assert any(title in e.detail and e.source == "title" for e in decision.evidence)
    # Surnames that are also geographic words still name people.
    for name in ("Calle Cabo Noval", "Calle de Juan de la Cueva", "Carrer de Serra i Moret"):
        reading, _decision = decide_without_wikidata(name, ["es", "ca"], "ES")
        assert reading.non_person is None, name


def test_a_street_basis_is_stored_losslessly():
    """What an analysis stores of a street decides it again exactly (a saint, a plural title)."""
    import json

    from app.classify import StreetBasis, basis_from_json, basis_to_json, build_evidence_from_reading
    from app.names import read_street_name

    for name in ("Calle Santa Lucía", "Calle Hermanas Mirabal", "Calle Virgen del Carmen"):
        reading = read_street_name(name, ["es"])
        basis = StreetBasis("w1", name, reading, [Evidence("name_match", ["Q1"], alternatives=["Q2"], detail="d"),
                                                  *build_evidence_from_reading(reading, "UY")])
        again = basis_from_json("w1", name, json.loads(json.dumps(basis_to_json(basis))))
        assert again == basis
        assert decide(name, again.reading, again.evidence, {}) == decide(name, reading, basis.evidence, {})
