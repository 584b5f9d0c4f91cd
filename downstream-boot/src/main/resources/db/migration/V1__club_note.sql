-- The application's own table, migrated by Boot's Flyway into the library's database (its own history table).
CREATE TABLE club_note (id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL REFERENCES book (id), note TEXT NOT NULL);
