"""Stage 4, assemble: one document's events: each sentence's event mentions built from the detected and
resolved parts, the sentence's counts given to the events they belong to, mentions grouped into one
incident each, and a protest's course read from its paragraph.

May import: observatory.models, observatory.config, observatory.lexicon, observatory.read,
observatory.detect, observatory.resolve.
"""
