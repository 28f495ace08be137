/**
 * The {@code sessionstore} actuator endpoint.
 */
@NullMarked
package dev.sessionstarter.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
