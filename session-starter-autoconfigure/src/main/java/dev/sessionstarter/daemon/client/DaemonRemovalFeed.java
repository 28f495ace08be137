package dev.sessionstarter.daemon.client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireCodec;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.SessionRecord;

/**
 * Takes, with {@code REMOVALS}, the sessions the daemon removed on its own (its purge, eviction
 * when a save took it over its bound) that no client took yet, so that its store reports them.
 * The daemon hands each removal to one client only, whichever takes it first, so the event of
 * each is published once across every application that shares the daemon; removals this client
 * takes and then fails to report (its process dies first) are not reported by any other.
 * Removals dropped from the daemon's bounded journal before any client took them are logged,
 * with their number, by the client that takes next. Thread-safe: takes run one at a time.
 */
final class DaemonRemovalFeed {

	private static final Log logger = LogFactory.getLog(DaemonRemovalFeed.class);

	private final DaemonClient client;

	private boolean warnedUnsupported;

	DaemonRemovalFeed(DaemonClient client) {
		this.client = client;
	}

	/**
	 * Take every removal waiting in the daemon and give each batch to a sink, in the order the
	 * daemon made them.
	 * @param sink takes each batch, before the next is asked for, and returns a count
	 * @return the sum of the counts the sink returned
	 * @throws DaemonUnavailableException if the daemon does not answer in time
	 */
	synchronized int read(ToIntFunction<List<Removal>> sink) {
		int count = 0;
		boolean more = true;
		while (more) {
			WireOutput request = WireOutput.frame(Opcodes.REMOVALS).writeInt(Opcodes.REMOVALS_VERSION);
			Batch batch = this.client.call(request, DaemonRemovalFeed::batch);
			if (batch.refused() != null) {
				refused(batch.refused());
				return count;
			}
			if (batch.missed() > 0) {
				logger.warn(batch.missed() + " sessions the session daemon at " + this.client.getAddress()
						+ " removed on its own were not reported, so no event was published for them: they left "
						+ "its journal before an application took them; purge more often "
						+ "(sessions.purge-interval) or give the daemon a larger --journal-size");
			}
			count += sink.applyAsInt(batch.removals());
			more = batch.more();
		}
		return count;
	}

	/**
	 * Warn, once, of a daemon that refuses {@code REMOVALS}: one older than this client (it
	 * answers an unknown operation) or one that speaks another version of it.
	 */
	private void refused(String message) {
		if (!this.warnedUnsupported) {
			this.warnedUnsupported = true;
			logger.warn("The session daemon at " + this.client.getAddress() + " does not report the sessions it "
					+ "removes on its own, so no event is published for them; a daemon older than this client "
					+ "(protocol version 1, before REMOVALS) cannot, nor one that speaks another version of it: "
					+ "run the daemon of this client's version. It answered: " + message);
		}
	}

	private static Batch batch(byte status, WireInput payload) throws ProtocolException {
		if (status == Opcodes.ERROR) {
			String message = payload.readString();
			return new Batch(0, List.of(), false, String.valueOf(message));
		}
		DaemonAnswers.expect(Opcodes.OK, status, payload, Opcodes.REMOVALS);
		long missed = payload.readLong();
		List<Removal> removals = readRemovals(payload);
		return new Batch(missed, removals, payload.readBoolean(), null);
	}

	/**
	 * Read removals as {@code PURGE}, {@code REDUCE} and {@code REMOVALS} answer them: the
	 * count, then each removal's cause and record.
	 * @param payload the answer, positioned at the count
	 * @return the removals
	 * @throws ProtocolException if they are malformed
	 */
	static List<Removal> readRemovals(WireInput payload) throws ProtocolException {
		int count = payload.readCount(1);
		List<Removal> removals = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			RemovalCause cause = (payload.readByte() == Opcodes.REMOVED_EVICTED) ? RemovalCause.EVICTED
					: RemovalCause.EXPIRED;
			removals.add(new Removal(WireCodec.readRecord(payload), cause));
		}
		return removals;
	}

	/**
	 * A session the daemon removed.
	 * @param record the session as it was stored
	 * @param cause why it was removed
	 */
	record Removal(SessionRecord record, RemovalCause cause) {
	}

	private record Batch(long missed, List<Removal> removals, boolean more, @Nullable String refused) {
	}

}
