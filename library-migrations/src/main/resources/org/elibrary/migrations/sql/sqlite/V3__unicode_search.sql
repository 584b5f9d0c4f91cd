-- Case-insensitive substring search that folds all of Unicode, not only ASCII as LIKE and lower() do.
-- FTS5's trigram tokenizer with case_sensitive 0 folds Cyrillic and every other cased script. The
-- indexes are external-content tables kept in sync by triggers that use only SQLite built-ins, so rows
-- written by the Python app (or any other program) are indexed too. A MATCH needs 3 or more characters;
-- the library falls back to a scan for shorter queries.
CREATE VIRTUAL TABLE book_title_search USING fts5(
    title, content='book', content_rowid='id', tokenize='trigram case_sensitive 0'
);

CREATE TRIGGER book_title_search_after_insert AFTER INSERT ON book BEGIN
    INSERT INTO book_title_search (rowid, title) VALUES (new.id, new.title);
END;

CREATE TRIGGER book_title_search_after_delete AFTER DELETE ON book BEGIN
    INSERT INTO book_title_search (book_title_search, rowid, title) VALUES ('delete', old.id, old.title);
END;

CREATE TRIGGER book_title_search_after_update AFTER UPDATE OF title ON book BEGIN
    INSERT INTO book_title_search (book_title_search, rowid, title) VALUES ('delete', old.id, old.title);
    INSERT INTO book_title_search (rowid, title) VALUES (new.id, new.title);
END;

INSERT INTO book_title_search (book_title_search) VALUES ('rebuild');

CREATE VIRTUAL TABLE author_name_search USING fts5(
    name, content='author', content_rowid='id', tokenize='trigram case_sensitive 0'
);

CREATE TRIGGER author_name_search_after_insert AFTER INSERT ON author BEGIN
    INSERT INTO author_name_search (rowid, name) VALUES (new.id, new.name);
END;

CREATE TRIGGER author_name_search_after_delete AFTER DELETE ON author BEGIN
    INSERT INTO author_name_search (author_name_search, rowid, name) VALUES ('delete', old.id, old.name);
END;

CREATE TRIGGER author_name_search_after_update AFTER UPDATE OF name ON author BEGIN
    INSERT INTO author_name_search (author_name_search, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO author_name_search (rowid, name) VALUES (new.id, new.name);
END;

INSERT INTO author_name_search (author_name_search) VALUES ('rebuild');
