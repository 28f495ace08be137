package dev.sessionstarter.daemon;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.sessionstarter.daemon.protocol.WireInput;
import dev.sessionstarter.daemon.protocol.WireOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link RetainedLocks}: the number of clients that retain locks is bounded, and a
 * client's locks are released when its side closes its notice connection, and only then.
 */
class RetainedLocksTests {

	private static final long CLIENT = 42;

	private final LockTable locks = new LockTable(Duration.ofMinutes(1));

	private final RetainedLocks retained = new RetainedLocks(this.locks);

	@Test
	void atMostMaxRetainersClientsRetainLocksAndAKnownOneIsStillServed() {
		for (long clientId = 1; clientId <= RetainedLocks.MAX_RETAINERS; clientId++) {
			assertThat(this.retained.retainer(clientId)).isNotNull();
		}
		assertThat(this.retained.retainerIfRoom(RetainedLocks.MAX_RETAINERS + 1)).isNull();
		assertThatIllegalStateException().isThrownBy(() -> this.retained.retainer(RetainedLocks.MAX_RETAINERS + 1))
			.withMessageContaining("Too many clients retain locks in this daemon (at most 4096)");
		assertThat(this.retained.retainer(1)).isNotNull();
	}

	@Test
	void theClientClosingItsNoticeConnectionReleasesItsRetainedLocks() throws Exception {
		LockOwner notices = noticeConnection(Retainer.RELEASE_ON_CLOSE_VERSION);
		retain("a");
		retain("b");
		this.retained.closedByClient(notices);
		assertThat(this.locks.lock("a", new LockOwner(), 0, 0)).isNotZero();
		assertThat(this.locks.lock("b", new LockOwner(), 0, 0)).isNotZero();
	}

	@Test
	void closingAnotherConnectionOfTheClientReleasesNothing() throws Exception {
		noticeConnection(Retainer.RELEASE_ON_CLOSE_VERSION);
		LockOwner pooled = new LockOwner();
		pooled.clientId = CLIENT;
		pooled.clientVersion = Retainer.RELEASE_ON_CLOSE_VERSION;
		retain("a");
		this.retained.closedByClient(pooled);
		assertThat(this.locks.lock("a", new LockOwner(), 0, 0)).isZero();
	}

	@Test
	void closingANoticeConnectionAfterTheClientAskedOnANewOneReleasesNothing() throws Exception {
		LockOwner old = noticeConnection(Retainer.RELEASE_ON_CLOSE_VERSION);
		noticeConnection(Retainer.RELEASE_ON_CLOSE_VERSION);
		retain("a");
		this.retained.closedByClient(old);
		assertThat(this.locks.lock("a", new LockOwner(), 0, 0)).isZero();
	}

	@Test
	void aWantedReadLateOnAnOlderConnectionDoesNotMakeItTheNoticeConnection() throws Exception {
		// the client asked on the older one, its deadline passed (the daemon was slow), it closed it and asked on
		// a newer one, served first; then the daemon reads the older one's WANTED, and its end
		LockOwner old = connection(Retainer.RELEASE_ON_CLOSE_VERSION);
		LockOwner newer = connection(Retainer.RELEASE_ON_CLOSE_VERSION);
		asksWanted(newer);
		retain("a");
		asksWanted(old);
		this.retained.closedByClient(old);
		assertThat(this.locks.lock("a", new LockOwner(), 0, 0)).isZero();
		this.retained.closedByClient(newer);
		assertThat(this.locks.lock("a", new LockOwner(), 0, 0)).isNotZero();
	}

	@Test
	void aClientOfVersion6KeepsItsLocksUntilTheirLeaseWhenItsNoticeConnectionCloses() throws Exception {
		LockOwner notices = noticeConnection(6);
		retain("a");
		this.retained.closedByClient(notices);
		assertThat(this.locks.lock("a", new LockOwner(), 0, 0)).isZero();
	}

	/**
	 * A connection of the client that said its version and asked {@code WANTED} (without waiting).
	 */
	private LockOwner noticeConnection(int clientVersion) throws Exception {
		LockOwner connection = connection(clientVersion);
		asksWanted(connection);
		return connection;
	}

	/**
	 * A connection of the client, accepted now, that said its version.
	 */
	private static LockOwner connection(int clientVersion) {
		LockOwner connection = new LockOwner();
		connection.clientId = CLIENT;
		connection.clientVersion = clientVersion;
		return connection;
	}

	/**
	 * The client asks {@code WANTED} on a connection (without waiting).
	 */
	private void asksWanted(LockOwner connection) throws Exception {
		this.retained.wanted(new WireInput(WireOutput.plain().writeLong(CLIENT).writeLong(0).toByteArray()),
				connection);
	}

	private void retain(String id) throws InterruptedException {
		assertThat(this.locks.lock(id, this.retained.retainer(CLIENT).owner, 0, 60_000)).isNotZero();
	}

}
