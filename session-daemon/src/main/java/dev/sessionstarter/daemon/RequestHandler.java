package dev.sessionstarter.daemon;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.DaemonStats;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The daemon's one state, shared by every connection, and the operations on it: the locks of
 * the {@link LockTable} here, the sessions' requests in {@link SessionRequests} (none for a
 * lock-only daemon).
 */
final class RequestHandler {

	private final @Nullable SessionRequests sessions;

	private final LockTable locks;

	private final RetainedLocks retained;

	private final AtomicInteger connections = new AtomicInteger();

	private final long startedAt = System.currentTimeMillis();

	/**
	 * Create the state.
	 * @param store the sessions, or {@code null} for a lock-only daemon
	 * @param journal where the sessions the store removes on its own are noted for the
	 * clients, or {@code null} for a lock-only daemon
	 * @param files the storage directory, or {@code null} if there is none
	 * @param locks the locks
	 * @param retained the locks clients retain (version 6)
	 */
	RequestHandler(@Nullable MemorySessionStore store, @Nullable RemovalJournal journal, @Nullable SessionFiles files,
			LockTable locks, RetainedLocks retained) {
		this.retained = retained;
		this.sessions = (store != null)
				? new SessionRequests(store, Objects.requireNonNull(journal), files, locks, this.retained) : null;
		this.locks = locks;
	}

	AtomicInteger connections() {
		return this.connections;
	}

	/**
	 * A connection ended because the client's side closed it ({@link RetainedLocks#closedByClient}).
	 * @param owner the connection's locks
	 */
	void closedByClient(LockOwner owner) {
		this.retained.closedByClient(owner);
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
	@Nullable WireOutput handle(WireInput request, LockOwner owner)
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
				if (token == 0) {
					return WireOutput.frame(Opcodes.TIMEOUT);
				}
				return locked(token, id, copyVersion);
			}
			case Opcodes.LOCK_RETAIN -> {
				String id = WireCodec.readId(request);
				long waitMillis = request.readLong();
				long retainMillis = request.readLong();
				long clientId = request.readLong();
				long copyVersion = request.readLong();
				request.requireEnd();
				if (clientId == 0 || retainMillis <= 0) {
					throw new ProtocolException("LOCK_RETAIN needs a client id and a retention");
				}
				long token = this.locks.lock(id, this.retained.retainer(clientId).owner, waitMillis, retainMillis);
				if (token == 0) {
					return WireOutput.frame(Opcodes.TIMEOUT);
				}
				return locked(token, id, copyVersion);
			}
			case Opcodes.UNLOCK -> {
				String id = WireCodec.readId(request);
				long token = request.readLong();
				request.requireEnd();
				return WireOutput.frame(this.retained.unlock(id, token, owner) ? Opcodes.OK : Opcodes.NOT_FOUND);
			}
			case Opcodes.RENEW -> {
				String id = WireCodec.readId(request);
				long token = request.readLong();
				long leaseMillis = request.readLong();
				request.requireEnd();
				if (leaseMillis < 0) {
					throw new ProtocolException("RENEW needs a lease of at least 0");
				}
				return WireOutput.frame(Opcodes.OK).writeBoolean(this.locks.renew(id, token, leaseMillis));
			}
			case Opcodes.UNLOCK_QUIET -> {
				String id = WireCodec.readId(request);
				long token = request.readLong();
				request.requireEnd();
				this.retained.unlock(id, token, owner);
				return null;
			}
			case Opcodes.CLIENT -> {
				long clientId = request.readLong();
				request.requireEnd();
				owner.clientId = clientId;
				return WireOutput.frame(Opcodes.OK);
			}
			case Opcodes.WANTED -> {
				return this.retained.wanted(request, owner);
			}
			case Opcodes.HELLO -> {
				int clientVersion = request.readInt();
				request.requireEnd();
				owner.clientVersion = clientVersion;
				WireOutput answer = WireOutput.frame(Opcodes.OK).writeInt(Opcodes.PROTOCOL_VERSION);
				// an older client reads the version only, and may check that nothing follows
				return (clientVersion >= Opcodes.LEASE_IN_HELLO_VERSION)
						? answer.writeLong(this.locks.defaultLeaseMillis()) : answer;
			}
			default -> {
				SessionRequests sessions = this.sessions;
				if (sessions == null) {
					return error("This daemon serves locks only (--lock); " + Opcodes.requestName(opcode)
							+ " needs a daemon that keeps sessions");
				}
				return sessions.handle(opcode, request, owner);
			}
		}
	}

	/**
	 * Answer a {@code LOCK_FIND}, {@code LOCK_FIND_SINCE} or {@code LOCK_RETAIN} that took the
	 * lock: the token and the session it guards, unless the daemon keeps no sessions, the record
	 * would not fit in one frame with the token, or it is at the version of the client's copy
	 * ({@code -1} for none).
	 */
	private WireOutput locked(long token, String id, long copyVersion) {
		WireOutput response = WireOutput.frame(Opcodes.OK).writeLong(token);
		SessionRequests sessions = this.sessions;
		if (sessions == null) {
			return response.writeByte(Opcodes.FOUND_NOT_SENT);
		}
		SessionRecord record = sessions.store().find(id);
		if (record == null) {
			return response.writeByte(Opcodes.FOUND_NONE);
		}
		if (record.version() == copyVersion) {
			return response.writeByte(Opcodes.FOUND_CURRENT);
		}
		if (WireCodec.maxEncodedSize(record) > SessionRequests.MAX_RECORD_BYTES - 9) {
			return response.writeByte(Opcodes.FOUND_NOT_SENT);
		}
		WireCodec.writeRecord(response.writeByte(Opcodes.FOUND_RECORD), record);
		return response;
	}

	DaemonStats stats() {
		SessionRequests sessions = this.sessions;
		long count = 0;
		long bytes = 0;
		long maxBytes = 0;
		long expired = 0;
		long evicted = 0;
		if (sessions != null) {
			var usage = sessions.store().usage();
			count = usage.sessions();
			bytes = usage.bytes();
			maxBytes = usage.maxBytes();
			expired = sessions.removals().expired();
			evicted = sessions.removals().evicted();
		}
		return new DaemonStats((sessions != null) ? "sessions" : "locks", count, bytes, maxBytes, this.locks.size(),
				this.connections.get(), System.currentTimeMillis() - this.startedAt, expired, evicted,
				this.locks.leaseExpiries(), sessions != null && sessions.keepsFiles());
	}

	static WireOutput error(String message) {
		return WireOutput.frame(Opcodes.ERROR).writeString(message);
	}

}
