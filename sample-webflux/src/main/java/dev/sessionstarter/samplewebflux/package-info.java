/**
 * A small WebFlux application whose sessions session-starter keeps.
 */
@NullMarked
package dev.sessionstarter.samplewebflux;

import org.jspecify.annotations.NullMarked;
