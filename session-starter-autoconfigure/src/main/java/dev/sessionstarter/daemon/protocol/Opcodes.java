package dev.sessionstarter.daemon.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The first byte after the length of every frame: a request's operation, or a response's
 * status. The payload of each is described in {@code session-daemon/PROTOCOL.md}.
 */
public final class Opcodes {

	/** Request: is the daemon there. Empty payload; answered {@link #OK}. */
	public static final byte PING = 0x01;

	/** Request: authenticate with the shared token; must be the first frame when one is set. */
	public static final byte AUTH = 0x02;

	/** Request: the daemon's statistics ({@link DaemonStats}). */
	public static final byte STATS = 0x03;

	/**
	 * The protocol version this side speaks: 4 adds {@link #HELLO} and {@link #UNLOCK_QUIET}, 5
	 * adds {@link #LOCK_FIND_SINCE}, 6 adds {@link #CLIENT}, {@link #SAVE_RETAIN} and
	 * {@link #WANTED} (request locks retained by a client between its requests), 7 adds
	 * {@link #RENEW} (a long request keeps its lock), and a client that says with {@link #HELLO} on
	 * its {@code WANTED} connection that it speaks 7 has the locks it retains released when its
	 * side closes that connection; 8 adds the daemon's default lock lease to the answer to a
	 * {@link #HELLO} of a client of version 8 (the client renews locks from half of it).
	 */
	public static final int PROTOCOL_VERSION = 8;

	/**
	 * The first protocol version whose daemon answers {@link #HELLO} with its default lock lease.
	 */
	public static final int LEASE_IN_HELLO_VERSION = 8;

	/**
	 * The first protocol version with {@link #UNLOCK_QUIET}.
	 */
	public static final int UNLOCK_QUIET_VERSION = 4;

	/**
	 * Request: which protocol version the daemon speaks (protocol version 4): {@code int32} the
	 * client's version; {@code OK} + {@code int32} the daemon's, and from version 8, when the
	 * client said 8 or more, {@code int64} the daemon's default lock lease in milliseconds
	 * ({@code --lock-lease}). An older daemon answers {@link #ERROR}, an unknown operation.
	 */
	public static final byte HELLO = 0x04;

	/**
	 * Request: the connection belongs to a client that retains request locks (protocol version
	 * 6): {@code int64} the client id; {@code OK}. Writes over it are that client's own, which
	 * never wait for the locks it retains.
	 */
	public static final byte CLIENT = 0x05;

	/** Request: find a session record by id. */
	public static final byte GET = 0x10;

	/** Request: apply a session change (create, rename, attributes, access time, expiry). */
	public static final byte SAVE = 0x11;

	/** Request: delete a session. */
	public static final byte DELETE = 0x12;

	/** Request: delete a session if it is expired at the given time. */
	public static final byte DELETE_IF_EXPIRED = 0x13;

	/** Request: the sessions indexed under a principal name. */
	public static final byte FIND_BY_PRINCIPAL = 0x14;

	/** Request: purge expired sessions now. */
	public static final byte PURGE = 0x15;

	/** Request: evict down to the reduced bound now. */
	public static final byte REDUCE = 0x16;

	/** Request: the version of a stored session, the cheap check of a cached copy. */
	public static final byte VERSION = 0x17;

	/**
	 * Request: take the sessions the daemon removed on its own that no client took yet
	 * (protocol version 2; a version 1 daemon answers it with {@link #ERROR}, an unknown operation).
	 */
	public static final byte REMOVALS = 0x18;

	/**
	 * The version of the {@link #REMOVALS} request and answer, the first field of the request:
	 * 2, the take; 1, a read from a cursor each client kept, never released, is refused.
	 */
	public static final int REMOVALS_VERSION = 2;

	/** Request: acquire the exclusive lock on a session id, waiting at most a given time. */
	public static final byte LOCK = 0x20;

	/** Request: release a lock this connection holds. */
	public static final byte UNLOCK = 0x21;

	/**
	 * Take a lock and read the session it guards in one call (protocol version 3): {@code id},
	 * {@code int64} wait millis, {@code int64} lease millis; {@code OK} + {@code int64} token +
	 * {@code byte} what follows ({@link #FOUND_NONE}, {@link #FOUND_RECORD} + record,
	 * {@link #FOUND_NOT_SENT}), or {@code TIMEOUT}.
	 */
	public static final byte LOCK_FIND = 0x22;

	/**
	 * Save a change and release the request lock on the session in one call (protocol version
	 * 3): {@code id} of the lock, {@code int64} token, change; answered as {@link #SAVE}, the lock
	 * released whatever the answer. Fenced since version 6: if the token no longer holds the lock
	 * (its lease ended) nothing is saved and the answer is {@link #ERROR} {@link #LOCK_LOST}.
	 */
	public static final byte SAVE_UNLOCK = 0x23;

	/**
	 * Release a lock without an answer (protocol version 4): {@code id}, {@code int64} token, as
	 * {@link #UNLOCK}. The daemon answers nothing, not even an error (a malformed one closes the
	 * connection), so a client sends it only over a connection whose daemon said with
	 * {@link #HELLO} that it speaks version 4, and only over the connection that holds the lock
	 * (which the daemon does not close while the lease runs, and whose closing releases it).
	 */
	public static final byte UNLOCK_QUIET = 0x24;

	/**
	 * Take a lock and read the session it guards unless the client's copy is current (protocol
	 * version 5): as {@link #LOCK_FIND}, then {@code int64} the version of the client's copy;
	 * answered as {@link #LOCK_FIND}, with {@link #FOUND_CURRENT} when the stored session is at
	 * that version. An older daemon answers {@link #ERROR}, an unknown operation.
	 */
	public static final byte LOCK_FIND_SINCE = 0x25;

	/**
	 * Save a change and keep the request lock, retained by a client (protocol version 6):
	 * {@code id} of the lock, {@code int64} token, {@code int64} client id, {@code int64}
	 * retention millis, change; answered as {@link #SAVE}, an {@code OK} record followed by
	 * {@code bool} whether the lock is now retained by that client, with the retention as its
	 * lease (if not, it was released, as by {@link #SAVE_UNLOCK}). Fenced as {@link #SAVE_UNLOCK}.
	 */
	public static final byte SAVE_RETAIN = 0x26;

	/**
	 * Ask which locks a client retains are wanted by others (protocol version 6): {@code int64}
	 * client id, {@code int64} longest wait millis; {@code OK} + {@code int32} count + that many
	 * ({@code id}, {@code int64} token), answered as soon as there are some, else after the wait
	 * with none.
	 */
	public static final byte WANTED = 0x27;

	/**
	 * Take a lock retained by a client from the start, and read the session it guards unless the
	 * client's copy is current (protocol version 6): {@code id}, {@code int64} wait millis,
	 * {@code int64} retention millis (the lease), {@code int64} client id, {@code int64} the
	 * version of the client's copy ({@code -1} for none); answered as {@link #LOCK_FIND_SINCE}. A
	 * client that retains the lock already gets it again, under a new token and lease.
	 */
	public static final byte LOCK_RETAIN = 0x28;

	/**
	 * Renew the lease of a held request lock, for a request that runs longer than it (protocol
	 * version 7): {@code id}, {@code int64} token, {@code int64} lease millis from now ({@code 0}
	 * for the daemon's default); {@code OK} + {@code bool} whether the lock is still held under
	 * that token (renewed). An older daemon answers {@link #ERROR}, an unknown operation.
	 */
	public static final byte RENEW = 0x29;

	/**
	 * In a {@link #LOCK_FIND} answer: no session is stored under the id.
	 */
	public static final byte FOUND_NONE = 0;

	/**
	 * In a {@link #LOCK_FIND} answer: the stored record follows.
	 */
	public static final byte FOUND_RECORD = 1;

	/**
	 * In a {@link #LOCK_FIND} answer: the session is not sent (a lock-only daemon, or a record
	 * too large to share a frame with the token); read it with {@link #GET}.
	 */
	public static final byte FOUND_NOT_SENT = 2;

	/**
	 * In a {@link #LOCK_FIND_SINCE} answer: the stored session is at the version the client sent,
	 * so its copy is the session; nothing follows.
	 */
	public static final byte FOUND_CURRENT = 3;

	/** Response: done; the payload is the result, if the operation has one. */
	public static final byte OK = 0x00;

	/** Response: no such session, or no such held lock. */
	public static final byte NOT_FOUND = 0x01;

	/** Response: the request failed; the payload is a message. */
	public static final byte ERROR = 0x02;

	/** Response: the session would exceed the daemon's per-session limit (size, limit). */
	public static final byte TOO_LARGE = 0x03;

	/** Response: the lock was not free within the requested wait. */
	public static final byte TIMEOUT = 0x04;

	/** Response: the token is missing or wrong; the daemon closes the connection. */
	public static final byte DENIED = 0x05;

	/** In a {@link #PURGE}, {@link #REDUCE} or {@link #REMOVALS} answer: the record that follows expired. */
	public static final byte REMOVED_EXPIRED = 0;

	/** In a {@link #PURGE}, {@link #REDUCE} or {@link #REMOVALS} answer: the record that follows was evicted. */
	public static final byte REMOVED_EVICTED = 1;

	/**
	 * How the message of the daemon's {@link #ERROR} answer to an operation it does not know
	 * begins: an older daemon's answer to a newer request, which a client falls back from.
	 */
	public static final String UNKNOWN_OPERATION = "Unknown operation";

	/**
	 * How the message of the daemon's {@link #ERROR} answer to a {@link #SAVE_UNLOCK} or
	 * {@link #SAVE_RETAIN} begins when its token no longer holds the request lock (its lease
	 * ended, and another may have taken it since): nothing was saved (protocol version 6).
	 */
	public static final String LOCK_LOST = "Request lock lost";

	private Opcodes() {
	}

	/**
	 * Whether the message of an {@link #ERROR} answer says the daemon does not know the
	 * operation ({@link #UNKNOWN_OPERATION}).
	 * @param message the message, or {@code null}
	 * @return whether it does
	 */
	public static boolean isUnknownOperation(@Nullable String message) {
		return message != null && message.startsWith(UNKNOWN_OPERATION);
	}

	/**
	 * Whether the message of an {@link #ERROR} answer says a save was refused because its
	 * request lock was lost ({@link #LOCK_LOST}).
	 * @param message the message, or {@code null}
	 * @return whether it does
	 */
	public static boolean isLockLost(@Nullable String message) {
		return message != null && message.startsWith(LOCK_LOST);
	}

	/**
	 * Return the name of a request opcode, for messages.
	 * @param opcode the opcode
	 * @return its name, or its hexadecimal value if unknown
	 */
	public static String requestName(byte opcode) {
		return switch (opcode) {
			case PING -> "PING";
			case AUTH -> "AUTH";
			case HELLO -> "HELLO";
			case STATS -> "STATS";
			case GET -> "GET";
			case SAVE -> "SAVE";
			case DELETE -> "DELETE";
			case DELETE_IF_EXPIRED -> "DELETE_IF_EXPIRED";
			case FIND_BY_PRINCIPAL -> "FIND_BY_PRINCIPAL";
			case PURGE -> "PURGE";
			case REDUCE -> "REDUCE";
			case VERSION -> "VERSION";
			case REMOVALS -> "REMOVALS";
			case LOCK -> "LOCK";
			case UNLOCK -> "UNLOCK";
			case LOCK_FIND -> "LOCK_FIND";
			case SAVE_UNLOCK -> "SAVE_UNLOCK";
			case UNLOCK_QUIET -> "UNLOCK_QUIET";
			case LOCK_FIND_SINCE -> "LOCK_FIND_SINCE";
			case CLIENT -> "CLIENT";
			case SAVE_RETAIN -> "SAVE_RETAIN";
			case WANTED -> "WANTED";
			case LOCK_RETAIN -> "LOCK_RETAIN";
			case RENEW -> "RENEW";
			default -> String.format("0x%02x", opcode);
		};
	}

}
