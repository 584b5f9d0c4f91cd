/**
 * Implementation details. Not supported API: anything here may change in any release.
 */
package org.elibrary.internal;
