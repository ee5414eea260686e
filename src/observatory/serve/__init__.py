"""Stage 6, serve: the REST API, the web dashboard it serves (web/), and the client that posts documents
to a running server.

May import: every stage before it, the pipeline and evaluate.
"""
