package dev.sessionstarter.lock.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link LockTestApplication} in two processes with the same properties, this JVM and a second one
 * ({@link TestApplicationProcess}), and a real HTTP client of each: the harness of the lost-update
 * tests across processes.
 */
final class TwoProcesses implements AutoCloseable {

	private final TestApplicationProcess other;

	private final ConfigurableApplicationContext local;

	private final List<SessionClient> clients;

	private TwoProcesses(TestApplicationProcess other, ConfigurableApplicationContext local) {
		this.other = other;
		this.local = local;
		this.clients = List.of(new SessionClient(((WebServerApplicationContext) local).getWebServer().getPort()),
				new SessionClient(other.port()));
	}

	/**
	 * Start the second process, then the application in this JVM, with the same properties
	 * (each also listens on a free loopback port).
	 * @param properties the properties, as {@code name=value}
	 * @param log the file the second process's output goes to
	 * @return both, running
	 * @throws Exception if either cannot be started
	 */
	static TwoProcesses start(List<String> properties, Path log) throws Exception {
		List<String> all = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"spring.main.banner-mode=off"));
		all.addAll(properties);
		TestApplicationProcess other = TestApplicationProcess.start(all, log);
		try {
			return new TwoProcesses(other, new SpringApplicationBuilder(LockTestApplication.class)
				.properties(all.toArray(String[]::new))
				.run());
		}
		catch (RuntimeException ex) {
			other.close();
			throw ex;
		}
	}

	/**
	 * Return the application context of this JVM's process.
	 * @return the context
	 */
	ConfigurableApplicationContext local() {
		return this.local;
	}

	/**
	 * Return the process id of the other process, for signals.
	 * @return the pid
	 */
	long otherPid() {
		return this.other.pid();
	}

	/**
	 * Return a client of one process.
	 * @param process {@code 0} for this JVM's, {@code 1} for the other's
	 * @return the client
	 */
	SessionClient client(int process) {
		return this.clients.get(process);
	}

	/**
	 * Send {@code requests} read-modify-write requests of one session ({@code /increment}) from
	 * each of {@code threads} threads at once, every thread alternating between the two
	 * processes, and check that every one is answered 200.
	 * @param session the session
	 * @param threads the number of threads
	 * @param requests the number of requests of each thread
	 * @return the counter the session holds then, as the first process reads it
	 * @throws Exception on failure
	 */
	int increment(String session, int threads, int requests) throws Exception {
		SessionClient.hammer(this.clients, "/increment", session, threads, requests);
		return client(0).count(session);
	}

	@Override
	public void close() throws Exception {
		try {
			this.local.close();
		}
		finally {
			this.other.close();
		}
	}

}
