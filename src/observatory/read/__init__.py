"""Stage 1, read: inputs (txt, html, jsonl, directories, stdin) to Documents (inputs), the language
(language, with array_cache for its unpacked model), the layout of the text (key points, dateline,
paragraphs, related links: layout) and its parse by spaCy (nlp).

May import: observatory.models, observatory.config, observatory.lexicon.
"""
