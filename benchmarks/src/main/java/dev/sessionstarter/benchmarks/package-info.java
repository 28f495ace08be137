/**
 * Benchmarks that measure session-starter's stores beside Spring Session's own repositories:
 * JMH, an interleaved runner and a heap check over one adapter per competitor, run as
 * {@code benchmarks/run.sh} describes.
 */
@NullMarked
package dev.sessionstarter.benchmarks;

import org.jspecify.annotations.NullMarked;
