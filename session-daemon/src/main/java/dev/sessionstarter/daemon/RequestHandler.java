package dev.sessionstarter.daemon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionTooLargeException;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The daemon's one state, shared by every connection, and the operations on it: each request
 * maps onto the {@link MemorySessionStore} (the same store, accounting and merge as in an
 * application) or the {@link LockTable}.
 */
final class RequestHandler {

	/**
	 * The most a stored session may take on the wire: a response frame less its status byte.
	 */
	static final long MAX_RECORD_BYTES = Frames.MAX_FRAME_BYTES - 1;

	/**
	 * The most the notices of one {@code REMOVALS} answer may take: a frame less the status
	 * byte, the missed count, the notice count and the flag that ends it.
	 */
	private static final long REMOVALS_BUDGET = Frames.MAX_FRAME_BYTES - 1 - 8 - 4 - 1;

	private final @Nullable MemorySessionStore store;

	private final @Nullable RemovalJournal journal;

	private final @Nullable SessionFiles files;

	private final LockTable locks;

	private final AtomicInteger connections = new AtomicInteger();

	private final LongAdder expired = new LongAdder();

	private final LongAdder evicted = new LongAdder();

	private final long startedAt = System.currentTimeMillis();

	private final ThreadLocal<@Nullable List<Removal>> removals = new ThreadLocal<>();

	/**
	 * Create the state.
	 * @param store the sessions, or {@code null} for a lock-only daemon
	 * @param journal where the sessions the store removes on its own are noted for the
	 * clients, or {@code null} for a lock-only daemon
	 * @param files the storage directory, or {@code null} if there is none
	 * @param locks the locks
	 */
	RequestHandler(@Nullable MemorySessionStore store, @Nullable RemovalJournal journal, @Nullable SessionFiles files,
			LockTable locks) {
		this.store = store;
		this.journal = journal;
		this.files = files;
		this.locks = locks;
		if (store != null) {
			store.setRemovalListener(this::removed);
		}
	}

	private void removed(SessionRecord record, RemovalCause cause) {
		((cause == RemovalCause.EXPIRED) ? this.expired : this.evicted).increment();
		changed(record.id());
		List<Removal> collector = this.removals.get();
		if (collector != null) {
			collector.add(new Removal(record, cause));
		}
		else if (this.journal != null) {
			this.journal.add(record, cause);
		}
	}

	/**
	 * Run an operation a client asked for and return what it removed, which that client
	 * reports itself: those removals are not noted in the journal.
	 */
	private <T> List<Removal> collecting(Supplier<T> operation) {
		List<Removal> collected = new ArrayList<>();
		this.removals.set(collected);
		try {
			operation.get();
		}
		finally {
			this.removals.remove();
		}
		return collected;
	}

	/**
	 * Run a purge or reduce and answer with what it removed, so the client that asked can
	 * publish its events: the count, then each removal's cause and record.
	 */
	private WireOutput removing(Supplier<Integer> operation) {
		List<Removal> collected = collecting(operation);
		WireOutput response = WireOutput.frame(Opcodes.OK).writeInt(collected.size());
		collected.forEach((removal) -> writeRemoval(response, removal.record(), removal.cause()));
		return response;
	}

	private static void writeRemoval(WireOutput response, SessionRecord record, RemovalCause cause) {
		response.writeByte((cause == RemovalCause.EXPIRED) ? Opcodes.REMOVED_EXPIRED : Opcodes.REMOVED_EVICTED);
		WireCodec.writeRecord(response, record);
	}

	/**
	 * Answer {@code REMOVALS}: hand the oldest notices that fit in one frame to this client
	 * (they leave the journal, so no other client gets them), with how many were dropped since
	 * the last take, and whether more wait.
	 */
	private WireOutput removals(RemovalJournal journal, WireInput request) throws ProtocolException {
		int version = request.readInt();
		if (version != Opcodes.REMOVALS_VERSION) {
			return error("REMOVALS version " + version + " is not supported; this daemon speaks version "
					+ Opcodes.REMOVALS_VERSION);
		}
		request.requireEnd();
		RemovalJournal.Batch batch = journal.take(REMOVALS_BUDGET);
		WireOutput response = WireOutput.frame(Opcodes.OK)
			.writeLong(batch.missed())
			.writeInt(batch.notices().size());
		batch.notices().forEach((notice) -> writeRemoval(response, notice.record(), notice.cause()));
		return response.writeBoolean(batch.more());
	}

	AtomicInteger connections() {
		return this.connections;
	}

	/**
	 * Carry out one request.
	 * @param request the frame, positioned at its opcode
	 * @param owner the connection's locks
	 * @return the response frame, or {@code null} for a request that is not answered
	 * ({@link Opcodes#UNLOCK_QUIET})
	 * @throws ProtocolException if the payload is malformed (the connection is then closed)
	 * @throws InterruptedException if the daemon stops while a lock request waits
	 */
	@Nullable WireOutput handle(WireInput request, LockTable.Owner owner)
			throws ProtocolException, InterruptedException {
		byte opcode = request.readByte();
		switch (opcode) {
			case Opcodes.PING, Opcodes.AUTH -> {
				return WireOutput.frame(Opcodes.OK);
			}
			case Opcodes.STATS -> {
				request.requireEnd();
				WireOutput response = WireOutput.frame(Opcodes.OK);
				WireCodec.writeStats(response, stats());
				return response;
			}
			case Opcodes.LOCK -> {
				String id = WireCodec.readId(request);
				long waitMillis = request.readLong();
				long leaseMillis = request.readLong();
				request.requireEnd();
				long token = this.locks.lock(id, owner, waitMillis, leaseMillis);
				return (token != 0) ? WireOutput.frame(Opcodes.OK).writeLong(token) : WireOutput.frame(Opcodes.TIMEOUT);
			}
			case Opcodes.LOCK_FIND, Opcodes.LOCK_FIND_SINCE -> {
				String id = WireCodec.readId(request);
				long waitMillis = request.readLong();
				long leaseMillis = request.readLong();
				long copyVersion = (opcode == Opcodes.LOCK_FIND_SINCE) ? request.readLong() : -1;
				request.requireEnd();
				long token = this.locks.lock(id, owner, waitMillis, leaseMillis);
				return (token != 0) ? lockedWith(token, id, copyVersion) : WireOutput.frame(Opcodes.TIMEOUT);
			}
			case Opcodes.UNLOCK -> {
				String id = WireCodec.readId(request);
				long token = request.readLong();
				request.requireEnd();
				return WireOutput.frame(this.locks.unlock(id, token) ? Opcodes.OK : Opcodes.NOT_FOUND);
			}
			case Opcodes.UNLOCK_QUIET -> {
				String id = WireCodec.readId(request);
				long token = request.readLong();
				request.requireEnd();
				this.locks.unlock(id, token);
				return null;
			}
			case Opcodes.HELLO -> {
				request.readInt();
				request.requireEnd();
				return WireOutput.frame(Opcodes.OK).writeInt(Opcodes.PROTOCOL_VERSION);
			}
			default -> {
				return handleSessionRequest(opcode, request);
			}
		}
	}

	private WireOutput handleSessionRequest(byte opcode, WireInput request) throws ProtocolException {
		MemorySessionStore store = this.store;
		if (store == null) {
			return error("This daemon serves locks only (--lock); " + Opcodes.requestName(opcode)
					+ " needs a daemon that keeps sessions");
		}
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
				return save(store, change);
			}
			case Opcodes.SAVE_UNLOCK -> {
				String lockId = WireCodec.readId(request);
				long token = request.readLong();
				SessionChange change = WireCodec.readChange(request);
				request.requireEnd();
				try {
					return save(store, change);
				}
				finally {
					this.locks.unlock(lockId, token);
				}
			}
			case Opcodes.DELETE -> {
				String id = WireCodec.readId(request);
				request.requireEnd();
				SessionRecord removed = store.delete(id);
				changed(id);
				return record(removed);
			}
			case Opcodes.DELETE_IF_EXPIRED -> {
				String id = WireCodec.readId(request);
				Instant now = Instant.ofEpochMilli(request.readLong());
				request.requireEnd();
				List<Removal> removed = collecting(() -> store.deleteIfExpired(id, now));
				return record(removed.isEmpty() ? null : removed.get(0).record());
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
				return removing(() -> store.purgeExpired(now));
			}
			case Opcodes.REDUCE -> {
				request.requireEnd();
				return removing(store::reduce);
			}
			case Opcodes.REMOVALS -> {
				return removals(Objects.requireNonNull(this.journal), request);
			}
			default -> {
				return error(Opcodes.UNKNOWN_OPERATION + " " + Opcodes.requestName(opcode));
			}
		}
	}

	/**
	 * Return at most how many bytes the session would take on the wire after a change, exactly
	 * when that is near the limit, so that no session is stored that could not be read back.
	 */
	private static long sizeAfter(MemorySessionStore store, SessionChange change) {
		String storedId = change.isRename() ? change.previousId() : change.id();
		SessionRecord base = (storedId != null) ? store.find(storedId) : null;
		long bound = ((base != null) ? WireCodec.maxEncodedSize(base) : 0) + WireCodec.maxEncodedSize(change);
		if (bound <= MAX_RECORD_BYTES) {
			return bound;
		}
		if (base == null && !change.isCreate()) {
			return 0;
		}
		return WireCodec.maxEncodedSize(SessionRecord.apply(base, change));
	}

	DaemonStats stats() {
		MemorySessionStore store = this.store;
		long sessions = 0;
		long bytes = 0;
		long maxBytes = 0;
		if (store != null) {
			var usage = store.usage();
			sessions = usage.sessions();
			bytes = usage.bytes();
			maxBytes = usage.maxBytes();
		}
		return new DaemonStats((store != null) ? "sessions" : "locks", sessions, bytes, maxBytes, this.locks.size(),
				this.connections.get(), System.currentTimeMillis() - this.startedAt, this.expired.sum(),
				this.evicted.sum(), this.locks.leaseExpiries(), this.files != null);
	}

	private WireOutput save(MemorySessionStore store, SessionChange change) {
		long size = sizeAfter(store, change);
		if (size > MAX_RECORD_BYTES) {
			return WireOutput.frame(Opcodes.TOO_LARGE).writeLong(size).writeLong(MAX_RECORD_BYTES);
		}
		SessionRecord saved;
		try {
			saved = store.save(change);
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
	 * Answer a {@code LOCK_FIND} that took the lock: the token and the session it guards, unless
	 * this daemon keeps no sessions, the record would not fit in one frame with the token, or it
	 * is at the version of the client's copy ({@code LOCK_FIND_SINCE}; {@code -1} for none).
	 */
	private WireOutput lockedWith(long token, String id, long copyVersion) {
		WireOutput response = WireOutput.frame(Opcodes.OK).writeLong(token);
		SessionRecord record = (this.store != null) ? this.store.find(id) : null;
		if (record != null && record.version() == copyVersion) {
			return response.writeByte(Opcodes.FOUND_CURRENT);
		}
		if (this.store == null || (record != null && WireCodec.maxEncodedSize(record) > MAX_RECORD_BYTES - 9)) {
			return response.writeByte(Opcodes.FOUND_NOT_SENT);
		}
		if (record == null) {
			return response.writeByte(Opcodes.FOUND_NONE);
		}
		WireCodec.writeRecord(response.writeByte(Opcodes.FOUND_RECORD), record);
		return response;
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

	static WireOutput error(String message) {
		return WireOutput.frame(Opcodes.ERROR).writeString(message);
	}

	private record Removal(SessionRecord record, RemovalCause cause) {
	}

}
