/**
 * Benchmarks of the {@code file} store beside Spring Session's JDBC repository.
 */
@NullMarked
package dev.sessionstarter.benchmarks;

import org.jspecify.annotations.NullMarked;
