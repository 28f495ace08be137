/**
 * The {@code memory} store: sessions on the heap, bounded in bytes, least recently used evicted first.
 */
@NullMarked
package dev.sessionstarter.store.memory;

import org.jspecify.annotations.NullMarked;
