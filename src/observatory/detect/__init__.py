"""Stage 2, detect: in each parsed sentence, the words that tell an event (triggers with their PLOVER and
ACLED types), verbal events (promises, demands, threats), the roles' spans (who acts, who suffers), each
event's status and attribution, words that tell no one incident (background), and the trained sentence
and clause classifiers.

May import: observatory.models, observatory.config, observatory.lexicon, observatory.read.
"""
