/**
 * A sample web application whose sessions session-starter keeps.
 */
@NullMarked
package dev.sessionstarter.sample;

import org.jspecify.annotations.NullMarked;
