-- 003: re-extraction (`observatory reextract`). An event found again by a new extraction of its article keeps
-- its id; a new event gets the article's next index, so no id ever names two events. next_event_index is the
-- index of the article's next new event; NULL means one more than the highest index of its events (as
-- ingest leaves an article: events article_id:0 to article_id:N-1).
ALTER TABLE articles ADD COLUMN IF NOT EXISTS next_event_index INTEGER;
