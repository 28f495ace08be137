/**
 * The one seam that turns session attribute values into bytes and back, shared by every store.
 */
@NullMarked
package dev.sessionstarter.serialization;

import org.jspecify.annotations.NullMarked;
