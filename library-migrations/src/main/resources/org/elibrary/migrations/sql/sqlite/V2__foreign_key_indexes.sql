-- The seed leaves these foreign-key columns unindexed: every cascade delete and every
-- "comments of a book / of a user" lookup would scan the whole table.
-- (author_book.author_id is the leading column of its primary key and needs no index of its own.)
CREATE INDEX ix_comment_book_id ON comment (book_id);
CREATE INDEX ix_comment_user_id ON comment (user_id);
CREATE INDEX ix_author_book_book_id ON author_book (book_id);
