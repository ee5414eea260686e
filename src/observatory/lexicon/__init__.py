"""What the project knows of the world, consulted by every stage: the PLOVER and ACLED labels
(taxonomy), the actor dictionary (actors, read from actor_file; actor_names for the aliases a query
means), the words for countries (countries) and for kinds of parties (party_kinds), the gazetteer and the
gazetteers the user imports (gazetteer, gazetteer_imports).

May import: observatory.models, observatory.config. No stage (read, detect, resolve, assemble, store,
evaluate, serve) and not the pipeline.
"""
