"""Stage 3, resolve: what the detected words refer to: the parties (role spans resolved to actors, ACLED's
order of parties), dates resolved against the publication date, counts of people, places resolved in the
document's context to coordinates and admin regions.

May import: observatory.models, observatory.config, observatory.lexicon, observatory.read,
observatory.detect.
"""
