package dev.sessionstarter.daemon.client;

import java.time.Instant;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.RemoteUsage;
import dev.sessionstarter.store.StoreUsage;
import dev.sessionstarter.store.redis.FencedSaveException;

/**
 * A {@link SessionStore} kept by a {@code session-daemon} process: every operation is one call
 * through a {@link DaemonClient}, and the daemon applies each {@link SessionChange} to its
 * {@code MemorySessionStore} atomically, so processes that share the daemon and change
 * different attributes of one session all keep theirs.
 *
 * <p>Expiry: {@link #purgeExpired(Instant)} asks the daemon to purge now, and the daemon answers
 * with the sessions it removed, which are reported to the {@link RemovalListener} (so the
 * repository publishes their {@code SessionExpiredEvent}s), as are sessions found expired on
 * access ({@link #deleteIfExpired}) and those {@link #reduce()} evicts. The daemon also purges
 * on its own, less often ({@code --purge-interval}, 15 minutes by default: a backstop for when
 * no application runs), and evicts when a save takes it over its bound; it notes the sessions
 * it removes that way in a bounded journal, and {@link #purgeExpired(Instant)} then takes the
 * ones waiting there ({@link DaemonRemovalFeed}) and reports them too. The daemon hands each to
 * one client only, so their events are published once across the applications sharing the
 * daemon, by whichever purges first.
 *
 * <p>{@link #usage()} keeps the last known figures for a second after the daemon failed to
 * answer, so meters do not wait on a daemon that is away.
 *
 * <p>Every method except {@link #usage()} throws {@link DaemonUnavailableException} when the
 * daemon does not answer within the client's timeout. A change larger than a frame (16 MiB) is
 * refused with a {@link SessionTooLargeException} before it is sent.
 */
public final class DaemonSessionStore implements SessionStore {

	private final DaemonClient client;

	private final DaemonSaves saves;

	private final DaemonRemovals removals;

	private final DaemonStoreLocks locks;

	private final RemoteUsage usage = new RemoteUsage(StoreUsage.EMPTY, this::readUsage,
			(ex) -> ex instanceof DaemonUnavailableException || ex instanceof IllegalStateException);

	/**
	 * Create a store.
	 * @param client the client of the daemon
	 */
	public DaemonSessionStore(DaemonClient client) {
		Assert.notNull(client, "'client' must not be null");
		this.client = client;
		this.saves = new DaemonSaves(client);
		this.removals = new DaemonRemovals(client);
		this.locks = new DaemonStoreLocks(client);
	}

	@Override
	public String type() {
		return "daemon";
	}

	/**
	 * Values may come from other processes.
	 * @return {@code true}
	 */
	@Override
	public boolean decodesOnLoad() {
		return true;
	}

	/**
	 * Return the client this store calls the daemon through.
	 * @return the client
	 */
	public DaemonClient getClient() {
		return this.client;
	}

	/**
	 * Return how many saves under a request lock the daemon refused because the lock had been
	 * lost: its lease ended during the request ({@link FencedSaveException}).
	 * @return the number since this store was created
	 */
	@Override
	public long fencedSaves() {
		return this.saves.fencedSaves();
	}

	/**
	 * Share the request locks a {@link DaemonSessionLockManager} of the same daemon holds, so
	 * that a locked session is served as the lock call found it and its save releases the lock.
	 * @param heldLocks the locks the lock manager holds
	 */
	public void setHeldLocks(DaemonHeldLocks heldLocks) {
		this.locks.setHeldLocks(heldLocks);
	}

	/**
	 * Set whether a save of a locked session also releases its request lock, in the same call:
	 * right when a request saves once, at its end ({@code FlushMode.ON_SAVE}); set it to
	 * {@code false} when every change is saved at once ({@code FlushMode.IMMEDIATE}).
	 * @param savesReleaseLocks whether saves release request locks
	 */
	public void setSavesReleaseLocks(boolean savesReleaseLocks) {
		this.locks.setSavesReleaseLocks(savesReleaseLocks);
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		DaemonHeldLocks.Prefetched prefetched = this.locks.prefetched(id, true);
		if (prefetched != null) {
			return prefetched.record();
		}
		return this.locks.remembered(id, this.client.call(WireOutput.frame(Opcodes.GET).writeString(id),
				(status, payload) -> DaemonAnswers.optionalRecord(status, payload, Opcodes.GET)));
	}

	/**
	 * Ask the daemon for the version of a session, without its attributes.
	 * @param id the session id
	 * @return the stored version, or {@code null} if none is stored
	 */
	@Override
	public @Nullable Long version(String id) {
		DaemonHeldLocks.Prefetched prefetched = this.locks.prefetched(id, false);
		if (prefetched != null) {
			return (prefetched.record() != null) ? prefetched.record().version() : null;
		}
		return this.client.call(WireOutput.frame(Opcodes.VERSION).writeString(id), DaemonAnswers::version);
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		HeldDaemonLock release = this.locks.beforeSave(change);
		return this.locks.remembered(change.id(), this.saves.save(change, this.locks.heldLocks(), release));
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		this.locks.beforeWrite(id, true);
		return this.client.call(WireOutput.frame(Opcodes.DELETE).writeString(id),
				(status, payload) -> DaemonAnswers.optionalRecord(status, payload, Opcodes.DELETE));
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		this.locks.beforeWrite(id, false);
		SessionRecord removed = this.client.call(
				WireOutput.frame(Opcodes.DELETE_IF_EXPIRED).writeString(id).writeLong(now.toEpochMilli()),
				(status, payload) -> DaemonAnswers.optionalRecord(status, payload, Opcodes.DELETE_IF_EXPIRED));
		if (removed == null) {
			return false;
		}
		this.locks.forgetCopy(id);
		this.removals.expired(removed);
		return true;
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		return this.client.call(WireOutput.frame(Opcodes.FIND_BY_PRINCIPAL).writeString(principalName),
				DaemonAnswers::records);
	}

	/**
	 * Ask the daemon to purge expired sessions now, then take the sessions it removed on its
	 * own (its purge, eviction) that no application took yet, and report each to the removal
	 * listener.
	 * @param now the current time
	 * @return the number of expired sessions reported
	 */
	@Override
	public int purgeExpired(Instant now) {
		return this.removals.purge(now);
	}

	/**
	 * Ask the daemon to evict down to its reduced bound now, and report each session it
	 * removed to the removal listener.
	 * @return the number the daemon evicted
	 */
	@Override
	public int reduce() {
		return this.removals.reduce();
	}

	/**
	 * Return the daemon's usage; for a second after the daemon failed to answer, the last
	 * figures read (empty before the first) without asking again.
	 * @return the usage
	 */
	@Override
	public StoreUsage usage() {
		return this.usage.get();
	}

	private StoreUsage readUsage() {
		DaemonStats stats = this.client.stats();
		return new StoreUsage(stats.sessions(), stats.bytes(), stats.maxBytes());
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
		Assert.notNull(listener, "'listener' must not be null");
		this.removals.setListener(listener);
	}

	@Override
	public String toString() {
		return "DaemonSessionStore[" + this.client.getAddress() + "]";
	}

}
