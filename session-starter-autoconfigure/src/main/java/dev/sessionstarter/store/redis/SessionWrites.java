package dev.sessionstarter.store.redis;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;

/**
 * The writes of the {@link RedisSessionStore}: a save (one script, {@link SessionScripts#SAVE},
 * with the index commands it needs), a rename, and a removal, each with the copy of the session
 * it applies to (the request lock's, this thread's last, or a cache's) and the fence of a request
 * lock this process holds.
 *
 * <p>A save with a copy of the session its change was made on (the record a lock call or a find
 * gave the request, or a cache's copy through its handle) applies the change to the copy here and
 * sends what changed ({@link CurrentSaves}, {@link SessionScripts#SAVE_CURRENT}), which Redis writes
 * if the session is still at the copy's version; otherwise, and without a copy, the merging script
 * merges the change into what Redis holds ({@link SaveCalls}), answering only the new version if the
 * session was still at the copy's ({@link SessionSaves#applied}).
 *
 * <p>The saves of a session whose request lock this process holds ({@link RedisHeldLocks}) are
 * fenced: a save after the lock's lease ran out is refused ({@link FencedSaveException}, logged
 * and counted). Such a save also releases the lock (or retains it, {@link Retentions}) in the same
 * script; a later save of the request is applied only if no other instance took the lock or saved
 * the session since. When every change is saved at once ({@link #setSavesReleaseLocks}), saves
 * keep the lock, and the request's release frees it. A save or removal outside a request lock
 * waits while another instance retains the lock ({@link RetainedLockWait}).
 */
final class SessionWrites {

	private static final Log logger = LogFactory.getLog(RedisSessionStore.class);

	private final RedisCalls calls;

	private final RedisKeys keys;

	private final SessionIndexes indexes;

	private final long marginMillis;

	private final Clock clock;

	private final RedisHeldLocks heldLocks;

	private final LastCopies lastCopies;

	private final LongAdder fencedSaves = new LongAdder();

	private final RetainedLockWait retainedLockWait;

	private volatile boolean savesReleaseLocks = true;

	SessionWrites(RedisCalls calls, RedisKeys keys, SessionIndexes indexes, long marginMillis, Clock clock,
			RedisHeldLocks heldLocks, LastCopies lastCopies) {
		this.calls = calls;
		this.keys = keys;
		this.indexes = indexes;
		this.marginMillis = marginMillis;
		this.clock = clock;
		this.heldLocks = heldLocks;
		this.lastCopies = lastCopies;
		this.retainedLockWait = new RetainedLockWait(calls, keys, heldLocks);
	}

	void setSavesReleaseLocks(boolean savesReleaseLocks) {
		this.savesReleaseLocks = savesReleaseLocks;
	}

	long fencedSaves() {
		return this.fencedSaves.sum();
	}

	/**
	 * Save a change, which is not a rename.
	 * @param change the change
	 * @param baseVersion the version a created session starts above
	 * @param copy the caller's copy of the session, or {@code null} for the request lock's or this
	 * thread's last
	 * @return the saved record, or {@code null} if the change was dropped
	 * @throws FencedSaveException if the request lock's lease was lost
	 */
	@Nullable SessionRecord write(SessionChange change, long baseVersion, @Nullable SessionRecord copy) {
		Held lock = this.heldLocks.get(change.id());
		boolean release = this.savesReleaseLocks;
		if (copy == null && baseVersion == 0) {
			copy = (lock != null) ? lock.copy() : this.lastCopies.get();
		}
		SessionRecord base = (copy != null && copy.id().equals(change.id())) ? copy : null;
		long retainMillis = (lock != null && release) ? lock.retainMillis() : 0;
		long epoch = this.heldLocks.connectionEpoch();
		long sentAt = System.nanoTime();
		// a retention still trusted long enough is kept with the lock's expiry as it is: one command less
		Retention unmoved = (retainMillis > 0) ? lock.unmovedRetention(sentAt, epoch) : null;
		Long retain = (unmoved != null) ? SessionSaves.UNMOVED_RETENTION : (retainMillis > 0) ? retainMillis : null;
		byte[] id = SessionHash.bytes(change.id());
		byte[][] fence = (lock != null) ? lock.fence(this.keys, release, id) : null;
		long now = this.clock.millis();
		// the change applied to a current copy here, unless the script finds the session at another version
		SessionRecord current = (base != null && CurrentSaves.canSave(change)) ? SessionRecord.apply(base, change)
				: null;
		long keySetFor = (retainMillis > 0 && current != null) ? lock.keySetFor() : Long.MIN_VALUE;
		long keyMargin = (retainMillis > 0 && current != null)
				? CurrentSaves.keyMargin(change, current, this.marginMillis, keySetFor) : this.marginMillis;
		byte[][] currentArgs = (current != null) ? CurrentSaves.arguments(change, base, current, id, now,
				keyMargin, fence, retain) : null;
		byte[][] keys = { this.keys.session(id), this.keys.lock(id), this.keys.lockWaiters(id) };
		if (lock != null) {
			lock.written(release);
		}
		// a new session's index entries go in the save's round trip
		boolean indexedAlongside = baseVersion == 0 && lock == null && this.indexes.canIndexCreating(change);
		List<Object> answer = this.retainedLockWait.run(change.id(), "save", new SaveCalls(this.calls.scripts(), keys,
				currentArgs, () -> SessionSaves.saveArguments(change, id, baseVersion, now, this.marginMillis, fence,
						(base != null) ? base.version() : null, retain, this.keys.lockRequestsPrefix()),
				indexedAlongside ? (commands) -> this.indexes.creating(commands, change) : null), () -> {
				});
		if (answer.isEmpty()) {
			this.lastCopies.remember(null);
			return null;
		}
		boolean applied = SaveCalls.isCode(answer, CurrentSaves.APPLIED);
		if (!applied && answer.get(0) instanceof Long) {
			this.fencedSaves.increment();
			FencedSaveException refused = new FencedSaveException(change.id());
			logger.warn(refused.getMessage());
			throw refused;
		}
		SessionRecord saved = applied ? current : (answer.size() == 2 && answer.get(1) instanceof Long version)
				? SessionSaves.applied(change, base, version) : SessionHash.read(change.id(), answer, 1);
		Assert.state(saved != null, "The save script answered no whole session");
		if (lock == null) {
			this.lastCopies.remember(saved);
		}
		else {
			lock.copy(saved);
			if (retainMillis > 0) {
				long keySet = (keyMargin != CurrentSaves.UNMOVED_KEY) ? saved.lastAccessedTime() : keySetFor;
				lock.retainedBySave(sentAt, epoch, saved, unmoved, applied ? keySet : Long.MIN_VALUE);
			}
			else if (release) {
				lock.releasedBySave(saved.version());
			}
		}
		boolean created = saved.version() == baseVersion + 1;
		if (!created || !indexedAlongside) {
			this.indexes.afterSave(this.calls, change, saved, created,
					applied ? base.principalName() : SessionHash.string(answer.get(0)));
		}
		return saved;
	}

	/**
	 * Save a change that renames a session: the old one taken, the new one written whole.
	 * @param change the change
	 * @return the saved record, or {@code null} if the session is gone and the change does not
	 * create it
	 */
	@Nullable SessionRecord rename(SessionChange change) {
		String previousId = Objects.requireNonNull(change.previousId());
		SessionRecord base = take(previousId, "rename");
		if (base == null && !change.isCreate()) {
			return null;
		}
		SessionRecord renamed = SessionRecord.apply(base, change);
		return write(SessionSaves.creating(renamed), renamed.version() - 1, null);
	}

	/**
	 * Remove a session and its index entries.
	 * @param id the session id
	 * @param operation what the call does, for error messages
	 * @return the removed record, or {@code null} if there was none
	 */
	@Nullable SessionRecord take(String id, String operation) {
		Held lock = this.heldLocks.get(id);
		if (lock != null) {
			lock.written(false);
		}
		// the expiry index entry goes in the same round trip; the principal's, known from the answer, after it
		byte[][] keys = { this.keys.session(id), this.keys.lock(id), this.keys.lockWaiters(id) };
		byte[][] args = { (lock != null) ? lock.token() : SessionHash.EMPTY, this.keys.lockRequestsPrefix(),
				SessionHash.bytes(id) };
		// given up, a refused removal lists the session again for the purge (its expiry index entry went with it)
		List<Object> answer = this.retainedLockWait.run(id, operation,
				() -> this.calls.scripts().script(SessionScripts.TAKE, operation, keys, args,
						(commands) -> this.indexes.removed(commands, id, null)),
				() -> this.calls.call(operation, (c) -> this.indexes.requeue(c, id, this.clock.millis())));
		SessionRecord removed = answer.isEmpty() ? null : SessionHash.read(id, answer, 0);
		String principal = (removed != null) ? removed.principalName() : null;
		if (principal != null) {
			this.calls.call(operation,
					(commands) -> commands.srem(this.keys.principal(principal), SessionHash.bytes(id)));
		}
		return removed;
	}

}
