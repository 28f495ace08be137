/**
 * Auto-configuration of the session store chosen by {@code sessions.store}, and its properties.
 */
@NullMarked
package dev.sessionstarter.autoconfigure;

import org.jspecify.annotations.NullMarked;
