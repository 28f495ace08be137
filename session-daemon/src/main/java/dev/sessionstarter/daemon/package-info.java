/**
 * The session daemon: a standalone process that holds sessions (in a {@code MemorySessionStore})
 * and locks for the applications on one host, reached over loopback TCP or a UNIX socket.
 */
@NullMarked
package dev.sessionstarter.daemon;

import org.jspecify.annotations.NullMarked;
