package dev.sessionstarter.daemon;

import java.time.Duration;

import org.awaitility.Awaitility;

import dev.sessionstarter.daemon.protocol.DaemonAddress;

/**
 * A worker process for {@link RetainedLocksIT}: with a retention of request locks, makes one
 * request that saves a session, so that its lock is retained, prints {@code retained}, and
 * waits until it is killed (at most a minute). Arguments: the daemon's address, the session id,
 * the retention in milliseconds.
 */
public final class RetainingHolderWorker {

	private RetainingHolderWorker() {
	}

	public static void main(String[] args) throws Exception {
		RetainingClient client = new RetainingClient(DaemonAddress.parse(args[0]),
				Duration.ofMillis(Long.parseLong(args[2])));
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(client::noticesUp);
		client.increment(args[1]);
		if (!client.heldLocks.isRetaining()) {
			System.exit(3);
		}
		System.out.println("retained");
		System.out.flush();
		Thread.sleep(60_000);
		System.exit(4);
	}

}
