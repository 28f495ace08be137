package dev.sessionstarter.daemon;

import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * The saves made under a request lock ({@code SAVE_UNLOCK}, {@code SAVE_RETAIN}), fenced: each
 * runs under the lock's guard, after an ended lease is expired, and only if its token still holds
 * the lock; else nothing is saved and the answer is an {@code ERROR} ({@link Opcodes#LOCK_LOST}).
 * So a request that outlived its lease (a long request, a stopped process) cannot overwrite what
 * the next holder of the lock saved meanwhile.
 */
final class LockedSaves {

	private final LockTable locks;

	private final RetainedLocks retained;

	LockedSaves(LockTable locks, RetainedLocks retained) {
		this.locks = locks;
		this.retained = retained;
	}

	/**
	 * Save under a request lock and keep the lock for the client ({@code SAVE_RETAIN}): the
	 * answer is the save's, an {@code OK} one followed by whether the lock is now retained. It
	 * is not when someone waits for it, when it is no longer held under that token, or when the
	 * save did not leave the session stored; it is then released as by {@code SAVE_UNLOCK}.
	 * @param request the rest of the frame after the opcode
	 * @param save reads the change from the rest of the frame and saves it, answering as {@code SAVE}
	 * @param stored whether a session is stored under an id
	 * @return the answer
	 * @throws ProtocolException if the payload is malformed
	 */
	WireOutput saveRetain(WireInput request, Save save, Predicate<String> stored)
			throws ProtocolException {
		String id = WireCodec.readId(request);
		long token = request.readLong();
		long clientId = request.readLong();
		long retainMillis = request.readLong();
		if (clientId == 0 || retainMillis <= 0) {
			throw new ProtocolException("SAVE_RETAIN needs a client id and a retention");
		}
		Supplier<WireOutput> saving = save.read(request);
		// too many clients retain locks: the lock is released, as by SAVE_UNLOCK
		Retainer retainer = this.retained.retainerIfRoom(clientId);
		IdLock lock = this.locks.guarded(id);
		try {
			if (!holds(lock, token)) {
				return lockLost(id);
			}
			WireOutput answer = saving.get();
			boolean ok = answer.opcode() == Opcodes.OK;
			boolean retained = ok && retainer != null && stored.test(id)
					&& this.locks.transfer(lock, token, retainer.owner, TimeUnit.MILLISECONDS.toNanos(retainMillis));
			if (!retained && holds(lock, token)) {
				this.locks.release(lock);
			}
			return ok ? answer.writeBoolean(retained) : answer;
		}
		finally {
			this.locks.unguard(lock);
		}
	}

	/**
	 * Save under a request lock and release it ({@code SAVE_UNLOCK}), fenced: the save is made,
	 * under the lock's guard, only if that token still holds the lock once an ended lease is
	 * expired; else nothing is saved and the answer is an {@code ERROR} ({@link Opcodes#LOCK_LOST}).
	 * @param id the id of the lock
	 * @param token its token
	 * @param save the save
	 * @return the answer
	 */
	WireOutput saveUnlock(String id, long token, Supplier<WireOutput> save) {
		IdLock lock = this.locks.guarded(id);
		try {
			if (!holds(lock, token)) {
				return lockLost(id);
			}
			try {
				return save.get();
			}
			finally {
				if (holds(lock, token)) {
					this.locks.release(lock);
				}
			}
		}
		finally {
			this.locks.unguard(lock);
		}
	}

	private static boolean holds(IdLock lock, long token) {
		IdLock.Holder holder = lock.holder;
		return holder != null && holder.token() == token;
	}

	private static WireOutput lockLost(String id) {
		return RequestHandler.error(Opcodes.LOCK_LOST + ": the lease of the request lock on session " + id
				+ " ended before its save, and another may have changed the session since; nothing was saved");
	}

	/**
	 * Reads a save's payload, then saves.
	 */
	@FunctionalInterface
	interface Save {

		Supplier<WireOutput> read(WireInput request) throws ProtocolException;

	}

}
