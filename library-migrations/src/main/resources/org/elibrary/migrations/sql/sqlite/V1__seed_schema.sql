-- The schema of the Python tutorial's models, exactly as SQLAlchemy emits it for SQLite
-- (../shared/seed/ddl-sqlite.sql). A database made by the Python app is baselined at this version.

CREATE TABLE author (
	id INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);

CREATE TABLE book (
	id INTEGER NOT NULL, 
	title VARCHAR(150) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (title)
);

CREATE TABLE user (
	id INTEGER NOT NULL, 
	username VARCHAR(50) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (username)
);

CREATE TABLE author_book (
	author_id INTEGER NOT NULL, 
	book_id INTEGER NOT NULL, 
	PRIMARY KEY (author_id, book_id), 
	FOREIGN KEY(author_id) REFERENCES author (id), 
	FOREIGN KEY(book_id) REFERENCES book (id)
);

CREATE TABLE comment (
	id INTEGER NOT NULL, 
	text VARCHAR(300) NOT NULL, 
	user_id INTEGER NOT NULL, 
	book_id INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES user (id), 
	FOREIGN KEY(book_id) REFERENCES book (id)
);

