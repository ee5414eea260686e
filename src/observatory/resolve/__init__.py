"""Stage 3, resolve: what the detected words refer to: the parties (role spans resolved to actors in
party_spans, ACLED's order of parties in parties), dates resolved against the publication date (dates),
counts of people (quantities, reading each number with numbers), places resolved in the document's
context to coordinates and admin regions (geolocate, with truecase for lower-cased texts).

May import: observatory.models, observatory.config, observatory.lexicon, observatory.read,
observatory.detect.
"""
