package dev.sessionstarter.daemon.client;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.redis.FencedSaveException;

/**
 * The save calls of a {@link DaemonSessionStore}: {@code SAVE}, or, for a session whose request
 * lock this process holds and may release with the save, {@code SAVE_UNLOCK} (the lock is
 * released in the same call) or {@code SAVE_RETAIN} (it is kept, retained for the session's next
 * request here). The daemon applies those two only while their token still holds the lock
 * (fenced saves, {@link DaemonFencedSaves}).
 */
final class DaemonSaves {

	private final DaemonClient client;

	private final DaemonFencedSaves fencedSaves = new DaemonFencedSaves();

	DaemonSaves(DaemonClient client) {
		this.client = client;
	}

	/**
	 * Save a change.
	 * @param change the change
	 * @param heldLocks the request locks this process holds
	 * @param lock the session's request lock, which the save releases (or retains), or
	 * {@code null} for a plain save
	 * @return the stored record, or {@code null} if the session was not stored
	 * @throws SessionTooLargeException if the change or the session is too large
	 * @throws FencedSaveException if the lock was lost before the save
	 */
	@Nullable SessionRecord save(SessionChange change, DaemonHeldLocks heldLocks, @Nullable HeldDaemonLock lock) {
		DaemonSaveRetain retain = (lock != null) ? DaemonSaveRetain.of(heldLocks.retained(), lock) : null;
		byte opcode = (retain != null) ? Opcodes.SAVE_RETAIN : (lock != null) ? Opcodes.SAVE_UNLOCK : Opcodes.SAVE;
		WireOutput request = WireOutput.frame(opcode);
		if (lock != null) {
			request.writeString(lock.sessionId()).writeLong(lock.token());
		}
		if (retain != null) {
			retain.writeTo(request);
		}
		WireCodec.writeChange(request, change);
		if (request.size() - Frames.HEADER_BYTES > Frames.MAX_FRAME_BYTES) {
			throw new SessionTooLargeException(change.id(), request.size(), Frames.MAX_FRAME_BYTES);
		}
		boolean answered = false;
		boolean[] retained = new boolean[1];
		try {
			SessionRecord saved = this.client.call(request, (status, payload) -> {
				if (status == Opcodes.TOO_LARGE) {
					throw new SessionTooLargeException(change.id(), payload.readLong(), payload.readLong());
				}
				if (status == Opcodes.ERROR && lock != null) {
					return this.fencedSaves.<SessionRecord>refused(change.id(), payload.readString(), opcode);
				}
				SessionRecord record = DaemonAnswers.optionalRecord(status, payload, opcode);
				retained[0] = record != null && opcode == Opcodes.SAVE_RETAIN && payload.readBoolean();
				return record;
			});
			answered = true;
			if (retain != null && retained[0]) {
				retain.retained(saved);
			}
			return saved;
		}
		catch (SessionTooLargeException | FencedSaveException ex) {
			// answered: a fenced save's lock is not this process's any more, so it is not released
			answered = true;
			throw ex;
		}
		finally {
			if (lock != null) {
				DaemonSaveRetain.ended(heldLocks.retained(), lock, answered, retained[0]);
			}
		}
	}

	long fencedSaves() {
		return this.fencedSaves.count();
	}

}
