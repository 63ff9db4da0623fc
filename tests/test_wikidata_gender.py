"""P21 values to gender groups, P31 classes to namesake kinds (the table in app/wikidata/gender.py)."""
from __future__ import annotations

import pytest

from app.domain import KIND_FICTIONAL, KIND_GROUP, KIND_HUMAN, KIND_THING, MAN, NONBINARY, UNKNOWN, WOMAN
from app.wikidata.gender import namesake_kind, gender_label, group_gender, person_gender


@pytest.mark.parametrize(
    "values, group",
    [
        (["Q6581072"], WOMAN),  # female
        (["Q1052281"], WOMAN),  # trans woman
        (["Q15145779"], WOMAN),  # cisgender female
        (["Q1052281", "Q6581072"], WOMAN),  # trans woman recorded with female too
        (["Q6581097"], MAN),
        (["Q2449503"], MAN),  # trans man
        (["Q15145778"], MAN),
        (["Q48270"], NONBINARY),
        (["Q18116794"], NONBINARY),  # genderfluid
        (["Q505371"], NONBINARY),  # agender
        (["Q12964198"], NONBINARY),  # genderqueer
        (["Q1097630"], NONBINARY),  # intersex
        (["Q301702"], NONBINARY),  # two-spirit
        (["Q123456789"], NONBINARY),  # a value we do not know yet: another gender, never dropped
        (["Q6581072", "Q48270"], NONBINARY),
        (["Q6581072", "Q6581097"], UNKNOWN),  # contradictory: not guessed
        ([], UNKNOWN),
    ],
)
def test_gender_groups(values, group):
    assert group_gender(values) == group


@pytest.mark.parametrize(
    "classes, genders, kind",
    [
        (["Q5"], [], KIND_HUMAN),
        (["Q5", "Q95074"], [], KIND_HUMAN),  # Q5 wins
        (["Q8436"], [], KIND_GROUP),  # family
        (["Q3046146"], [], KIND_GROUP),  # married couple
        (["Q16334295"], [], KIND_GROUP),  # group of humans
        (["Q16979650"], [], KIND_GROUP),  # sibling group
        (["Q215380"], [], KIND_GROUP),  # band
        (["Q95074"], ["Q6581072"], KIND_FICTIONAL),
        (["Q15632617"], [], KIND_FICTIONAL),
        (["Q4271324"], [], KIND_FICTIONAL),
        (["Q178885"], [], KIND_FICTIONAL),  # deity
        (["Q16521"], [], KIND_THING),  # taxon
        (["Q515"], [], KIND_THING),  # city
        (["Q79007"], [], KIND_THING),  # street
        ([], [], KIND_THING),
        ([], ["Q6581097"], KIND_HUMAN),  # P21 without P31: a person missing its class
    ],
)
def test_kinds(classes, genders, kind):
    assert namesake_kind(classes, genders) == kind


def test_only_persons_have_a_gender():
    assert person_gender(KIND_HUMAN, []) == UNKNOWN
    assert person_gender(KIND_FICTIONAL, ["Q6581072"]) == WOMAN
    assert person_gender(KIND_GROUP, ["Q6581072"]) is None
    assert person_gender(KIND_THING, []) is None


def test_labels_of_known_values():
    assert gender_label("Q1052281") == "trans woman"
    assert gender_label("Q1") is None
