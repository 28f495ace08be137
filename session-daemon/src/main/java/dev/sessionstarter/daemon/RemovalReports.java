package dev.sessionstarter.daemon;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Frames;
import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionRecord;

/**
 * Where the sessions the daemon's store removes go: to the client whose request removed them
 * (a purge or reduce it asked for, which it reports itself), or else to the
 * {@link RemovalJournal} for any client to take with {@code REMOVALS}. Counts them by cause.
 */
final class RemovalReports {

	/**
	 * The most the notices of one {@code REMOVALS} answer may take: a frame less the status
	 * byte, the missed count, the notice count and the flag that ends it.
	 */
	private static final long REMOVALS_BUDGET = Frames.MAX_FRAME_BYTES - 1 - 8 - 4 - 1;

	private final RemovalJournal journal;

	private final Consumer<String> changed;

	private final LongAdder expired = new LongAdder();

	private final LongAdder evicted = new LongAdder();

	private final ThreadLocal<@Nullable List<Removal>> collector = new ThreadLocal<>();

	/**
	 * Create the reports.
	 * @param journal where removals no client asked for are noted
	 * @param changed told the id of every removed session (the storage directory's dirty mark)
	 */
	RemovalReports(RemovalJournal journal, Consumer<String> changed) {
		this.journal = journal;
		this.changed = changed;
	}

	/**
	 * The store's removal listener.
	 * @param record the removed session as it was stored
	 * @param cause why it was removed
	 */
	void removed(SessionRecord record, RemovalCause cause) {
		((cause == RemovalCause.EXPIRED) ? this.expired : this.evicted).increment();
		this.changed.accept(record.id());
		List<Removal> collected = this.collector.get();
		if (collected != null) {
			collected.add(new Removal(record, cause));
		}
		else {
			this.journal.add(record, cause);
		}
	}

	/**
	 * Run an operation a client asked for and return what it removed, which that client
	 * reports itself: those removals are not noted in the journal.
	 */
	List<Removal> collecting(Supplier<?> operation) {
		List<Removal> collected = new ArrayList<>();
		this.collector.set(collected);
		try {
			operation.get();
		}
		finally {
			this.collector.remove();
		}
		return collected;
	}

	/**
	 * Run a purge or reduce and answer with what it removed, so the client that asked can
	 * publish its events: the count, then each removal's cause and record.
	 */
	WireOutput removing(Supplier<Integer> operation) {
		List<Removal> collected = collecting(operation);
		WireOutput response = WireOutput.frame(Opcodes.OK).writeInt(collected.size());
		collected.forEach((removal) -> writeRemoval(response, removal.record(), removal.cause()));
		return response;
	}

	/**
	 * Answer {@code REMOVALS}: hand the oldest notices that fit in one frame to this client
	 * (they leave the journal, so no other client gets them), with how many were dropped since
	 * the last take, and whether more wait.
	 */
	WireOutput take(WireInput request) throws ProtocolException {
		int version = request.readInt();
		if (version != Opcodes.REMOVALS_VERSION) {
			return RequestHandler.error("REMOVALS version " + version + " is not supported; this daemon speaks version "
					+ Opcodes.REMOVALS_VERSION);
		}
		request.requireEnd();
		RemovalJournal.Batch batch = this.journal.take(REMOVALS_BUDGET);
		WireOutput response = WireOutput.frame(Opcodes.OK)
			.writeLong(batch.missed())
			.writeInt(batch.notices().size());
		batch.notices().forEach((notice) -> writeRemoval(response, notice.record(), notice.cause()));
		return response.writeBoolean(batch.more());
	}

	long expired() {
		return this.expired.sum();
	}

	long evicted() {
		return this.evicted.sum();
	}

	private static void writeRemoval(WireOutput response, SessionRecord record, RemovalCause cause) {
		response.writeByte((cause == RemovalCause.EXPIRED) ? Opcodes.REMOVED_EXPIRED : Opcodes.REMOVED_EVICTED);
		WireCodec.writeRecord(response, record);
	}

	/**
	 * A session the store removed, and why.
	 * @param record the session as it was stored
	 * @param cause why it was removed
	 */
	record Removal(SessionRecord record, RemovalCause cause) {
	}

}
