/**
 * Request locks: the SPI that serializes the requests of one session, and its implementations.
 */
@NullMarked
package dev.sessionstarter.lock;

import org.jspecify.annotations.NullMarked;
