-- Case-insensitive substring search (lower(column) LIKE '%q%') served by trigram indexes.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
-- lower() folds all of Unicode in a UTF-8 database with a UTF-8 locale (the PostgreSQL default).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX ix_book_title_lower_trgm ON book USING gin (lower(title) gin_trgm_ops);
CREATE INDEX ix_author_name_lower_trgm ON author USING gin (lower(name) gin_trgm_ops);
