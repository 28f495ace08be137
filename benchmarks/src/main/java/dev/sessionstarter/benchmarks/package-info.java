/**
 * JMH benchmarks and heap checks that measure session-starter's stores beside Spring Session's
 * own repositories, each run as {@code benchmarks/run.sh} describes.
 */
@NullMarked
package dev.sessionstarter.benchmarks;

import org.jspecify.annotations.NullMarked;
