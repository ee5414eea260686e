"""What the project knows of the world, consulted by every stage: the PLOVER and ACLED labels
(taxonomy), the actor dictionary and its words for kinds of parties and countries (actors, actor_names),
the gazetteer and the gazetteers the user imports (gazetteer, gazetteer_imports).

May import: observatory.models, observatory.config. No stage (read, detect, resolve, assemble, store,
evaluate, serve) and not the pipeline.
"""
