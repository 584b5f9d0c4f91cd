/**
 * The execution engine behind {@code AsyncLibrary}: a bounded, back-pressured dispatcher of blocking JDBC
 * work onto dedicated threads, per-call timeouts that cancel the running statement, and the close protocol.
 * Not supported API: anything here may change in any release.
 */
package org.elibrary.internal.async;
