package dev.sessionstarter.daemon;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.client.DaemonClient;

/**
 * A daemon process and a client of it for one test: started on a free loopback port when the
 * test first needs it, both closed by {@link #close()}.
 */
final class TestDaemon implements AutoCloseable {

	private @Nullable DaemonProcess process;

	private @Nullable DaemonClient client;

	/**
	 * Start a daemon with the given options and return a client of it with 16 connections.
	 * @param options daemon options such as {@code --lock}
	 * @return the client
	 */
	DaemonClient start(String... options) {
		try {
			this.process = DaemonProcess.start(String.valueOf(DaemonProcess.freePort()), options);
		}
		catch (Exception ex) {
			throw new IllegalStateException("The daemon did not start", ex);
		}
		this.client = new DaemonClient(this.process.address(), Duration.ofSeconds(10), 16, 16, null);
		return this.client;
	}

	@Override
	public void close() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.process != null) {
			this.process.close();
		}
	}

}
