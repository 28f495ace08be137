/**
 * Health indicators of session-starter.
 */
@NullMarked
package dev.sessionstarter.actuate.health;

import org.jspecify.annotations.NullMarked;
