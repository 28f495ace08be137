package dev.sessionstarter.daemon.client;

import java.time.Instant;
import java.util.List;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.ProtocolException;
import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;
import dev.sessionstarter.store.RemovalCause;
import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionRecord;

/**
 * The sessions a {@link DaemonSessionStore} reports removed by the daemon: those its purge and
 * reduce calls removed, and those the daemon removed on its own that this client takes from its
 * journal ({@link DaemonRemovalFeed}), each told to the store's {@link RemovalListener}.
 */
final class DaemonRemovals {

	private final DaemonClient client;

	private final DaemonRemovalFeed removalFeed;

	private volatile RemovalListener listener = RemovalListener.NONE;

	DaemonRemovals(DaemonClient client) {
		this.client = client;
		this.removalFeed = new DaemonRemovalFeed(client);
	}

	/**
	 * Set who is told of each removed session.
	 * @param listener the listener
	 */
	void setListener(RemovalListener listener) {
		this.listener = listener;
	}

	/**
	 * Report a session found expired on access and deleted.
	 * @param removed the deleted session
	 */
	void expired(SessionRecord removed) {
		this.listener.removed(removed, RemovalCause.EXPIRED);
	}

	/**
	 * Ask the daemon to purge expired sessions now, then take the sessions it removed on its
	 * own that no application took yet, and report each.
	 * @param now the current time
	 * @return the number of expired sessions reported
	 */
	int purge(Instant now) {
		RemovalListener listener = this.listener;
		int purged = report(this.client.call(WireOutput.frame(Opcodes.PURGE).writeLong(now.toEpochMilli()),
				(status, payload) -> removals(status, payload, Opcodes.PURGE)), RemovalCause.EXPIRED, listener);
		return purged + this.removalFeed.read((removals) -> report(removals, RemovalCause.EXPIRED, listener));
	}

	/**
	 * Ask the daemon to evict down to its reduced bound now, and report each session it removed.
	 * @return the number the daemon evicted
	 */
	int reduce() {
		RemovalListener listener = this.listener;
		return report(this.client.call(WireOutput.frame(Opcodes.REDUCE),
				(status, payload) -> removals(status, payload, Opcodes.REDUCE)), RemovalCause.EVICTED, listener);
	}

	private static List<DaemonRemovalFeed.Removal> removals(byte status, WireInput payload, byte opcode)
			throws ProtocolException {
		DaemonAnswers.expect(Opcodes.OK, status, payload, opcode);
		return DaemonRemovalFeed.readRemovals(payload);
	}

	private static int report(List<DaemonRemovalFeed.Removal> removals, RemovalCause counted,
			RemovalListener listener) {
		int count = 0;
		for (DaemonRemovalFeed.Removal removal : removals) {
			listener.removed(removal.record(), removal.cause());
			count += (removal.cause() == counted) ? 1 : 0;
		}
		return count;
	}

}
