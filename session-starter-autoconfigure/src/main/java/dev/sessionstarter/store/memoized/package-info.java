/**
 * The {@code memoized} store: an in-memory cache in front of another store, and the adapter
 * that lets it front an application's own {@code SessionRepository}.
 */
@NullMarked
package dev.sessionstarter.store.memoized;

import org.jspecify.annotations.NullMarked;
