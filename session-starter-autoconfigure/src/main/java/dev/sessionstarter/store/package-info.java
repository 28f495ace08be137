/**
 * The session repository shared by every store, and the small backend SPI each store implements.
 */
@NullMarked
package dev.sessionstarter.store;

import org.jspecify.annotations.NullMarked;
