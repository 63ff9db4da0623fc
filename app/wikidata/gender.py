"""From raw Wikidata values to the project's words: gender groups and namesake kinds.

Raw values are always kept (``Namesake.gender_qids``, ``Namesake.instance_of``); the
grouping below only decides which category a street falls in.

Gender: sex or gender (P21)
===========================

=================  ===============================================  ==============
group              P21 values                                       shown as
=================  ===============================================  ==============
woman              Q6581072 female, Q1052281 trans woman,           woman
                   Q15145779 cisgender female
man                Q6581097 male, Q2449503 trans man,               man
                   Q15145778 cisgender male
nonbinary          Q48270 non-binary, Q18116794 genderfluid,        nonbinary
                   Q505371 agender, Q12964198 genderqueer,          ("non-binary or
                   Q1097630 intersex, Q301702 two-spirit,           another gender")
                   Q48279 third gender, Q1289754 neutrois,
                   Q27679684 transfeminine, Q27679766 transmasculine,
                   Q96000630 X-gender, Q859614 bigender,
                   and ANY other P21 value we do not know
unknown            a person (human or fictional) without P21, or    unknown
                   whose values mix the woman and man groups
(none)             groups and things: gender is ``None``
=================  ===============================================  ==============

Unknown P21 values go to "another gender" rather than being dropped: Wikidata
adds gender items over time and a person must never vanish from the counts.
Values from both the woman and the man group (a data error, or a person
recorded with both) are not guessed: the gender is ``unknown``.

Kinds: instance of (P31)
========================

=========  ======================================================  ===================
kind       P31 values                                              meaning
=========  ======================================================  ===================
human      Q5 human (saints are humans in Wikidata too); also an   a person
           item with P21 but no P31 at all
group      Q8436 family, Q13417114 noble family, Q219160 couple,   several people
           Q3046146 married couple, Q16334295 group of humans,
           Q16979650 sibling group, Q14073567 sibling duo,
           Q14756018 twins, Q10648343 duo, Q1141470 double act,
           Q215380 musical group, Q2088357 musical ensemble,
           Q4502119 art group, Q2061186 religious order
fictional  Q95074 fictional character, Q15632617 fictional human,  a person, flagged
           Q4271324 mythical character, Q13002315 legendary
           figure, Q22988604 mythological Greek character,
           Q178885 deity, Q22989102 Greek deity, Q3658341
           literary character, Q15773347 film character,
           Q15711870 animated character, Q1114461 comics
           character, Q20643955 human biblical figure, Q21070568
           human who may be fictional
thing      anything else: places, events, dates, ships, plants     not a person
           and taxa, organisations, streets, items without P31
=========  ======================================================  ===================

Only direct P31 values are looked at (no subclass walk: that would cost a
query per class); a subclass we do not list (e.g. a particular deity class)
falls to "thing", the safe side for counting people.

Q5 wins over everything else (a human who is also tagged as a fictional
character's model stays human); a group class wins over a fictional one.
"""
from __future__ import annotations

from app.domain import KIND_FICTIONAL, KIND_GROUP, KIND_HUMAN, KIND_THING, MAN, NONBINARY, UNKNOWN, WOMAN

HUMAN = "Q5"

WOMAN_GENDERS = {
    "Q6581072": "female",
    "Q1052281": "trans woman",
    "Q15145779": "cisgender female",
}
MAN_GENDERS = {
    "Q6581097": "male",
    "Q2449503": "trans man",
    "Q15145778": "cisgender male",
}
#: Known "another gender" values; any P21 value outside the three tables is grouped here too.
NONBINARY_GENDERS = {
    "Q48270": "non-binary",
    "Q18116794": "genderfluid",
    "Q505371": "agender",
    "Q12964198": "genderqueer",
    "Q1097630": "intersex",
    "Q301702": "two-spirit",
    "Q48279": "third gender",
    "Q1289754": "neutrois",
    "Q27679684": "transfeminine",
    "Q27679766": "transmasculine",
    "Q96000630": "X-gender",
    "Q859614": "bigender",
}

GROUP_CLASSES = {
    "Q8436": "family",
    "Q13417114": "noble family",
    "Q219160": "couple",
    "Q3046146": "married couple",
    "Q16334295": "group of humans",
    "Q16979650": "sibling group",
    "Q14073567": "sibling duo",
    "Q14756018": "twins",
    "Q10648343": "duo",
    "Q1141470": "double act",
    "Q215380": "musical group",
    "Q2088357": "musical ensemble",
    "Q4502119": "art group",
    "Q2061186": "religious order",
}
FICTIONAL_CLASSES = {
    "Q95074": "fictional character",
    "Q15632617": "fictional human",
    "Q4271324": "mythical character",
    "Q13002315": "legendary figure",
    "Q22988604": "mythological Greek character",
    "Q178885": "deity",
    "Q22989102": "Greek deity",
    "Q3658341": "literary character",
    "Q15773347": "film character",
    "Q15711870": "animated character",
    "Q1114461": "comics character",
    "Q20643955": "human biblical figure",
    "Q21070568": "human who may be fictional",
}


def group_gender(gender_qids: list[str]) -> str:
    """woman / man / nonbinary / unknown from the raw P21 values of a person."""
    values = set(gender_qids)
    if not values:
        return UNKNOWN
    women = values & WOMAN_GENDERS.keys()
    men = values & MAN_GENDERS.keys()
    others = values - WOMAN_GENDERS.keys() - MAN_GENDERS.keys()
    if others:
        # Any value beyond female/male (non-binary, intersex, or one we do not know yet).
        return NONBINARY
    if women and men:
        return UNKNOWN
    return WOMAN if women else MAN


def namesake_kind(instance_of: list[str], gender_qids: list[str] = ()) -> str:
    """human / group / fictional / thing from P31 (and P21 when P31 is missing)."""
    classes = set(instance_of)
    if HUMAN in classes:
        return KIND_HUMAN
    if classes & GROUP_CLASSES.keys():
        return KIND_GROUP
    if classes & FICTIONAL_CLASSES.keys():
        return KIND_FICTIONAL
    if not classes and gender_qids:
        # Items still missing P31 but with a sex or gender are nearly always people.
        return KIND_HUMAN
    return KIND_THING


def person_gender(kind: str, gender_qids: list[str]) -> str | None:
    """The grouped gender for people (humans and fictional persons); None for groups and things."""
    if kind in (KIND_HUMAN, KIND_FICTIONAL):
        return group_gender(gender_qids)
    return None


def gender_label(qid: str) -> str | None:
    """Our own English name of a known P21 value (used when Wikidata sends no label)."""
    return WOMAN_GENDERS.get(qid) or MAN_GENDERS.get(qid) or NONBINARY_GENDERS.get(qid)
