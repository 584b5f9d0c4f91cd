/**
 * MyBatis mapper interfaces; each one's SQL is in the XML file of the same name beside it, with vendor
 * variants selected by {@code databaseId} ("sqlite", "postgresql"). Method names are SQL verbs. Not supported API.
 */
package org.elibrary.internal.mapper;
