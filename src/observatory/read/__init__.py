"""Stage 1, read: inputs (txt, html, jsonl, directories, stdin) to Documents, the language, the layout of
the text (key points, dateline, paragraphs, related links) and its parse by spaCy.

May import: observatory.models, observatory.config, observatory.lexicon.
"""
