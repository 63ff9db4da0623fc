"""Wikidata side: who each street is named after.

- ``client``: a polite SPARQL client (SPARQLWrapper + app.remote retries and cache).
- ``namesakes``: the facts about possible namesakes, fetched in batches.
- ``gender``: P21 values grouped into woman / man / nonbinary / unknown, and namesake kinds.
- ``namesakes``: the evidence, per street, of who (or what) its name honours.
"""
