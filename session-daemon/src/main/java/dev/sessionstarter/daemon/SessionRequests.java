package dev.sessionstarter.daemon;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The requests of a daemon that keeps sessions, each mapped onto its {@link MemorySessionStore}
 * (the same store, accounting and merge as in an application); the storage directory, when
 * there is one, is told of every change.
 */
final class SessionRequests {

	/**
	 * The most a stored session may take on the wire: a response frame less its status byte.
	 */
	static final long MAX_RECORD_BYTES = Frames.MAX_FRAME_BYTES - 1;

	private final MemorySessionStore store;

	private final @Nullable SessionFiles files;

	private final RemovalReports removals;

	private final RetainedLocks retained;

	private final LockedSaves lockedSaves;

	/**
	 * Create the requests.
	 * @param store the sessions
	 * @param journal where the sessions the store removes on its own are noted for the clients
	 * @param files the storage directory, or {@code null} if there is none
	 * @param locks the locks, which {@code SAVE_UNLOCK} and {@code SAVE_RETAIN} are fenced by
	 * @param retained the locks clients retain, which writes without a lock wait for
	 */
	SessionRequests(MemorySessionStore store, RemovalJournal journal, @Nullable SessionFiles files, LockTable locks,
			RetainedLocks retained) {
		this.store = store;
		this.files = files;
		this.retained = retained;
		this.lockedSaves = new LockedSaves(locks, retained);
		this.removals = new RemovalReports(journal, this::changed);
		store.setRemovalListener((record, cause) -> {
			retained.removed(record.id());
			this.removals.removed(record, cause);
		});
	}

	MemorySessionStore store() {
		return this.store;
	}

	RemovalReports removals() {
		return this.removals;
	}

	/**
	 * Whether the daemon writes its sessions to a storage directory.
	 * @return {@code true} if it does
	 */
	boolean keepsFiles() {
		return this.files != null;
	}

	/**
	 * Carry out one session request.
	 * @param opcode the request's opcode, already read
	 * @param request the rest of the frame
	 * @param owner the connection's locks
	 * @return the response frame
	 * @throws ProtocolException if the payload is malformed
	 * @throws InterruptedException if the daemon stops while a write waits for a retained lock
	 */
	WireOutput handle(byte opcode, WireInput request, LockOwner owner)
			throws ProtocolException, InterruptedException {
		MemorySessionStore store = this.store;
		switch (opcode) {
			case Opcodes.GET -> {
				String id = WireCodec.readId(request);
				request.requireEnd();
				return record(store.find(id));
			}
			case Opcodes.VERSION -> {
				String id = WireCodec.readId(request);
				request.requireEnd();
				SessionRecord record = store.find(id);
				return (record != null) ? WireOutput.frame(Opcodes.OK).writeLong(record.version())
						: WireOutput.frame(Opcodes.NOT_FOUND);
			}
			case Opcodes.SAVE -> {
				SessionChange change = WireCodec.readChange(request);
				request.requireEnd();
				String written = change.isRename() ? change.previousId() : change.id();
				return this.retained.outsideRequest((written != null) ? written : change.id(), owner,
						() -> save(change));
			}
			case Opcodes.SAVE_RETAIN -> {
				return this.lockedSaves.saveRetain(request, (payload) -> {
					SessionChange change = WireCodec.readChange(payload);
					payload.requireEnd();
					return () -> save(change);
				}, (id) -> store.find(id) != null);
			}
			case Opcodes.SAVE_UNLOCK -> {
				String lockId = WireCodec.readId(request);
				long token = request.readLong();
				SessionChange change = WireCodec.readChange(request);
				request.requireEnd();
				return this.lockedSaves.saveUnlock(lockId, token, () -> save(change));
			}
			case Opcodes.DELETE -> {
				String id = WireCodec.readId(request);
				request.requireEnd();
				return this.retained.outsideRequest(id, owner, () -> {
					SessionRecord removed = store.delete(id);
					changed(id);
					return record(removed);
				});
			}
			case Opcodes.DELETE_IF_EXPIRED -> {
				String id = WireCodec.readId(request);
				Instant now = Instant.ofEpochMilli(request.readLong());
				request.requireEnd();
				return this.retained.outsideRequest(id, owner, () -> {
					List<RemovalReports.Removal> removed = this.removals
						.collecting(() -> store.deleteIfExpired(id, now));
					return record(removed.isEmpty() ? null : removed.get(0).record());
				});
			}
			case Opcodes.FIND_BY_PRINCIPAL -> {
				String principalName = request.readRequiredString();
				request.requireEnd();
				Collection<SessionRecord> records = store.findByPrincipalName(principalName);
				WireOutput response = WireOutput.frame(Opcodes.OK).writeInt(records.size());
				records.forEach((record) -> WireCodec.writeRecord(response, record));
				return response;
			}
			case Opcodes.PURGE -> {
				Instant now = Instant.ofEpochMilli(request.readLong());
				request.requireEnd();
				return this.removals.removing(() -> store.purgeExpired(now));
			}
			case Opcodes.REDUCE -> {
				request.requireEnd();
				return this.removals.removing(store::reduce);
			}
			case Opcodes.REMOVALS -> {
				return this.removals.take(request);
			}
			default -> {
				return RequestHandler.error(Opcodes.UNKNOWN_OPERATION + " " + Opcodes.requestName(opcode));
			}
		}
	}

	private WireOutput save(SessionChange change) {
		long size = sizeAfter(change);
		if (size > MAX_RECORD_BYTES) {
			return WireOutput.frame(Opcodes.TOO_LARGE).writeLong(size).writeLong(MAX_RECORD_BYTES);
		}
		SessionRecord saved;
		try {
			saved = this.store.save(change);
		}
		catch (SessionTooLargeException ex) {
			return WireOutput.frame(Opcodes.TOO_LARGE).writeLong(ex.getSize()).writeLong(ex.getLimit());
		}
		changed(change.id());
		if (change.isRename() && change.previousId() != null) {
			changed(change.previousId());
		}
		return record(saved);
	}

	/**
	 * Return at most how many bytes the session would take on the wire after a change, exactly
	 * when that is near the limit, so that no session is stored that could not be read back.
	 */
	private long sizeAfter(SessionChange change) {
		String storedId = change.isRename() ? change.previousId() : change.id();
		SessionRecord base = (storedId != null) ? this.store.find(storedId) : null;
		long bound = ((base != null) ? WireCodec.maxEncodedSize(base) : 0) + WireCodec.maxEncodedSize(change);
		if (bound <= MAX_RECORD_BYTES) {
			return bound;
		}
		if (base == null && !change.isCreate()) {
			return 0;
		}
		return WireCodec.maxEncodedSize(SessionRecord.apply(base, change));
	}

	private void changed(String id) {
		if (this.files != null) {
			this.files.changed(id);
		}
	}

	private static WireOutput record(@Nullable SessionRecord record) {
		if (record == null) {
			return WireOutput.frame(Opcodes.NOT_FOUND);
		}
		WireOutput response = WireOutput.frame(Opcodes.OK);
		WireCodec.writeRecord(response, record);
		return response;
	}

}
