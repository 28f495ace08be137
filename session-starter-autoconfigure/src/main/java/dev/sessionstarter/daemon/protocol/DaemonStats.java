package dev.sessionstarter.daemon.protocol;

/**
 * What the daemon reports for {@link Opcodes#STATS}.
 *
 * @param mode {@code sessions} (sessions and locks) or {@code locks} (started with {@code --lock})
 * @param sessions sessions held
 * @param bytes bytes they take on the daemon's heap
 * @param maxBytes the daemon's bound in bytes
 * @param locks locks held now
 * @param connections open client connections
 * @param uptimeMillis time since the daemon started
 * @param expired sessions the daemon removed because they expired
 * @param evicted sessions the daemon evicted to stay within its bound
 * @param leaseExpiries locks taken over because their lease ran out
 * @param persistent whether the daemon writes sessions to a storage directory
 */
public record DaemonStats(String mode, long sessions, long bytes, long maxBytes, int locks, int connections,
		long uptimeMillis, long expired, long evicted, long leaseExpiries, boolean persistent) {

}
