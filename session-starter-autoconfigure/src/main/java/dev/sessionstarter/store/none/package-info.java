/**
 * The {@code none} store: keeps nothing, for tests.
 */
@NullMarked
package dev.sessionstarter.store.none;

import org.jspecify.annotations.NullMarked;
