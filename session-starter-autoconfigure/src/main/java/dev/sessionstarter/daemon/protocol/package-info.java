/**
 * The session daemon's wire protocol, shared by the daemon and its clients: frames, opcodes,
 * and the codec of session records and changes (see {@code session-daemon/PROTOCOL.md}).
 */
@NullMarked
package dev.sessionstarter.daemon.protocol;

import org.jspecify.annotations.NullMarked;
