/**
 * Reactive (WebFlux) support: the reactive session repository over the one session logic and
 * the {@code WebFilter} that takes request locks without blocking an event loop.
 */
@NullMarked
package dev.sessionstarter.reactive;

import org.jspecify.annotations.NullMarked;
