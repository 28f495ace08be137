/**
 * Auto-configuration of the session store's Micrometer meters.
 */
@NullMarked
package dev.sessionstarter.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
