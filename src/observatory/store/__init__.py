"""Stage 5, store: the database (DuckDB file or PostgreSQL URL) with its migrations, idempotent ingest,
incidents across reports, queries, exports in ACLED's columns and ours, review and corrections, the
changes feed, re-extraction, and feeds watched on a schedule.

May import: everything before it (models, config, lexicon, read, detect, resolve, assemble) and
observatory.pipeline / observatory.parallel, which run the extraction.
"""
