-- 002: articles keyed by their normalised text (store.normalised_text: Unicode NFC, whitespace runs and line
-- ends one space), so trivially different bytes of one article are stored once. Rows stored before are
-- filled in by the store when it opens the database (Store._fill_text_hashes).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS text_hash VARCHAR;
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles (text_hash);
