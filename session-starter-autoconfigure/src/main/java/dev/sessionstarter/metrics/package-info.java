/**
 * Micrometer meters of the session store.
 */
@NullMarked
package dev.sessionstarter.metrics;

import org.jspecify.annotations.NullMarked;
