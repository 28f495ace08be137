package dev.sessionstarter.daemon.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.StoreUsage;

/**
 * A {@link SessionStore} kept by a {@code session-daemon} process: every operation is one call
 * through a {@link DaemonClient}, and the daemon applies each {@link SessionChange} to its
 * {@code MemorySessionStore} atomically, so processes that share the daemon and change
 * different attributes of one session all keep theirs.
 *
 * <p>The daemon owns expiry: it purges expired sessions on its own schedule. A
 * {@link #purgeExpired(Instant)} here asks it to purge now and returns how many it removed,
 * but those sessions are not reported to the {@link RemovalListener} (another process may have
 * created them), so no {@code SessionExpiredEvent} is published for them; expiry found on
 * access ({@link #deleteIfExpired}) is reported. Evictions by the daemon's byte bound are not
 * reported either. {@link #usage()} is read from the daemon at most once a second, and keeps
 * the last known figures while the daemon is unreachable.
 *
 * <p>Every method except {@link #usage()} throws {@link DaemonUnavailableException} when the
 * daemon does not answer within the client's timeout.
 */
public final class DaemonSessionStore implements SessionStore {

	private static final long USAGE_TTL_NANOS = 1_000_000_000L;

	private final DaemonClient client;

	private volatile RemovalListener removalListener = RemovalListener.NONE;

	private volatile StoreUsage usage = StoreUsage.EMPTY;

	private volatile long usageReadAt = System.nanoTime() - USAGE_TTL_NANOS;

	/**
	 * Create a store.
	 * @param client the client of the daemon
	 */
	public DaemonSessionStore(DaemonClient client) {
		Assert.notNull(client, "'client' must not be null");
		this.client = client;
	}

	@Override
	public String type() {
		return "daemon";
	}

	/**
	 * Return the client this store calls the daemon through.
	 * @return the client
	 */
	public DaemonClient getClient() {
		return this.client;
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		return this.client.call(WireOutput.frame(Opcodes.GET).writeString(id),
				(status, payload) -> optionalRecord(status, payload, Opcodes.GET));
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		WireOutput request = WireOutput.frame(Opcodes.SAVE);
		WireCodec.writeChange(request, change);
		return this.client.call(request, (status, payload) -> {
			if (status == Opcodes.TOO_LARGE) {
				return tooLarge(change.id(), payload.readLong(), payload.readLong());
			}
			return optionalRecord(status, payload, Opcodes.SAVE);
		});
	}

	private static SessionRecord tooLarge(String id, long size, long limit) {
		throw new SessionTooLargeException(id, size, limit);
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return this.client.call(WireOutput.frame(Opcodes.DELETE).writeString(id),
				(status, payload) -> optionalRecord(status, payload, Opcodes.DELETE));
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		SessionRecord removed = this.client.call(
				WireOutput.frame(Opcodes.DELETE_IF_EXPIRED).writeString(id).writeLong(now.toEpochMilli()),
				(status, payload) -> optionalRecord(status, payload, Opcodes.DELETE_IF_EXPIRED));
		if (removed == null) {
			return false;
		}
		this.removalListener.removed(removed, RemovalCause.EXPIRED);
		return true;
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		return this.client.call(WireOutput.frame(Opcodes.FIND_BY_PRINCIPAL).writeString(principalName),
				(status, payload) -> {
					DaemonClient.expect(Opcodes.OK, status, payload, Opcodes.FIND_BY_PRINCIPAL);
					int count = payload.readCount(1);
					List<SessionRecord> records = new ArrayList<>(count);
					for (int i = 0; i < count; i++) {
						records.add(WireCodec.readRecord(payload));
					}
					return records;
				});
	}

	/**
	 * Ask the daemon to purge expired sessions now. The sessions it removes are not reported
	 * to the removal listener.
	 * @param now the current time
	 * @return the number the daemon removed
	 */
	@Override
	public int purgeExpired(Instant now) {
		return this.client.call(WireOutput.frame(Opcodes.PURGE).writeLong(now.toEpochMilli()),
				(status, payload) -> {
					DaemonClient.expect(Opcodes.OK, status, payload, Opcodes.PURGE);
					return payload.readInt();
				});
	}

	/**
	 * Ask the daemon to evict down to its reduced bound now. The sessions it evicts are not
	 * reported to the removal listener.
	 * @return the number the daemon evicted
	 */
	@Override
	public int reduce() {
		return this.client.call(WireOutput.frame(Opcodes.REDUCE), (status, payload) -> {
			DaemonClient.expect(Opcodes.OK, status, payload, Opcodes.REDUCE);
			return payload.readInt();
		});
	}

	/**
	 * Return the daemon's usage, read at most once a second; while the daemon is unreachable,
	 * the last figures read (empty before the first).
	 * @return the usage
	 */
	@Override
	public StoreUsage usage() {
		long now = System.nanoTime();
		if (now - this.usageReadAt >= USAGE_TTL_NANOS) {
			this.usageReadAt = now;
			try {
				DaemonStats stats = this.client.stats();
				this.usage = new StoreUsage(stats.sessions(), stats.bytes(), stats.maxBytes());
			}
			catch (DaemonUnavailableException | IllegalStateException ex) {
				// keep the last known usage; the failure is counted by the client
			}
		}
		return this.usage;
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.removalListener = listener;
	}

	private static @Nullable SessionRecord optionalRecord(byte status, WireInput payload, byte opcode)
			throws ProtocolException {
		if (status == Opcodes.NOT_FOUND) {
			return null;
		}
		DaemonClient.expect(Opcodes.OK, status, payload, opcode);
		return WireCodec.readRecord(payload);
	}

	@Override
	public String toString() {
		return "DaemonSessionStore[" + this.client.getAddress() + "]";
	}

}
