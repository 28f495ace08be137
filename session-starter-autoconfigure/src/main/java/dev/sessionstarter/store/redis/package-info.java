/**
 * The {@code redis} store: one hash per session in the application's Redis, reached through
 * Spring Data Redis's Lettuce connection factory, changed by server-side scripts.
 */
@NullMarked
package dev.sessionstarter.store.redis;

import org.jspecify.annotations.NullMarked;
