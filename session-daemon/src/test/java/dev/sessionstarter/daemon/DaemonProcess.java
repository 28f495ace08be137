package dev.sessionstarter.daemon;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import dev.sessionstarter.ChildJvm;
import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.client.DaemonUnavailableException;
import dev.sessionstarter.daemon.protocol.DaemonAddress;

import static org.awaitility.Awaitility.await;

/**
 * A real session daemon in a child process, started from the built jar
 * ({@code session-daemon/target/session-daemon.jar}, passed by failsafe as the
 * {@code session-daemon.jar} system property), or from this module's classpath when the tests
 * run without it. Its output goes to a log file; it is always killed by {@link #close()}.
 */
final class DaemonProcess implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private final Process process;

	private final DaemonAddress address;

	private final Path log;

	private DaemonProcess(Process process, DaemonAddress address, Path log) {
		this.process = process;
		this.address = address;
		this.log = log;
	}

	/**
	 * Start a daemon and wait until it answers.
	 * @param listenOn a port or socket path
	 * @param arguments options, then an optional storage directory
	 * @return the running daemon
	 */
	static DaemonProcess start(String listenOn, String... arguments) throws IOException, InterruptedException {
		DaemonProcess daemon = launch(listenOn, arguments);
		daemon.awaitReady(null);
		return daemon;
	}

	/**
	 * Start a daemon that expects a token and wait until it answers.
	 */
	static DaemonProcess startWithToken(String token, String listenOn, String... arguments)
			throws IOException, InterruptedException {
		DaemonProcess daemon = launch(listenOn, arguments);
		daemon.awaitReady(token);
		return daemon;
	}

	/**
	 * Start a daemon and return without waiting, for runs expected to fail.
	 */
	static DaemonProcess launch(String listenOn, String... arguments) throws IOException {
		return launch(List.of(), listenOn, arguments);
	}

	/**
	 * Start a daemon with extra JVM options (after the default ones, so {@code -Xmx96m} wins)
	 * and wait until it answers.
	 */
	static DaemonProcess startWithJvmOptions(List<String> jvmOptions, String listenOn, String... arguments)
			throws IOException, InterruptedException {
		DaemonProcess daemon = launch(jvmOptions, listenOn, arguments);
		daemon.awaitReady(null);
		return daemon;
	}

	private static DaemonProcess launch(List<String> jvmOptions, String listenOn, String... arguments)
			throws IOException {
		List<String> command = new ArrayList<>(command());
		command.addAll(2, jvmOptions);
		List<String> options = new ArrayList<>();
		List<String> positional = new ArrayList<>();
		for (String argument : arguments) {
			(argument.startsWith("--") ? options : positional).add(argument);
		}
		command.addAll(options);
		if (listenOn != null) {
			command.add(listenOn);
		}
		command.addAll(positional);
		Path log = Files.createTempFile("session-daemon-", ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		return new DaemonProcess(process, (listenOn != null) ? DaemonAddress.parse(listenOn) : null, log);
	}

	static List<String> command() {
		String jar = System.getProperty("session-daemon.jar");
		if (jar != null && Files.isRegularFile(Path.of(jar))) {
			return List.of(ChildJvm.java(), "-Xmx256m", "-jar", jar);
		}
		return ChildJvm.command(List.of("-Xmx256m"), SessionDaemon.class);
	}

	private void awaitReady(String token) {
		try (DaemonClient client = new DaemonClient(this.address, Duration.ofMillis(500), 1, 1, token)) {
			await("the daemon answers").atMost(START_TIMEOUT)
				.pollInterval(Duration.ofMillis(50))
				.ignoreException(DaemonUnavailableException.class)
				.until(() -> {
					if (!this.process.isAlive()) {
						throw new IllegalStateException(
								"The daemon exited with " + this.process.exitValue() + ": " + output());
					}
					client.ping();
					return true;
				});
		}
		catch (ConditionTimeoutException ex) {
			close();
			throw new IllegalStateException("The daemon did not answer within " + START_TIMEOUT + ": " + output(), ex);
		}
	}

	DaemonAddress address() {
		return this.address;
	}

	long pid() {
		return this.process.pid();
	}

	Process process() {
		return this.process;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Everything the daemon printed so far.
	 */
	String output() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "(no output: " + ex + ")";
		}
	}

	/**
	 * Wait for the process to exit by itself.
	 * @return its exit code
	 */
	int awaitExit() throws InterruptedException {
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			close();
			throw new IllegalStateException("The daemon did not exit: " + output());
		}
		return this.process.exitValue();
	}

	/**
	 * Stop cleanly with SIGTERM and wait for the exit.
	 * @return the exit code
	 */
	int stop() throws InterruptedException {
		this.process.destroy();
		return awaitExit();
	}

	/**
	 * Send SIGTERM and wait at most {@code bound} for the exit, without killing it if it does
	 * not exit (the caller's {@link #close()} does).
	 * @return whether it exited within the bound
	 */
	boolean terminate(Duration bound) throws InterruptedException {
		this.process.destroy();
		return this.process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Return the resident memory of the process, from {@code /proc}.
	 * @return the resident set size in KiB
	 */
	long rssKb() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", ""));
			}
		}
		throw new IOException("No VmRSS for process " + pid());
	}

	/**
	 * Kill with SIGKILL, as {@code kill -9} does, and wait for the exit.
	 */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		try {
			Files.deleteIfExists(this.log);
		}
		catch (IOException ex) {
			// a temporary file
		}
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * A short socket path (UNIX socket paths are limited to about 100 bytes).
	 */
	static Path socketPath(String name) throws IOException {
		Path dir = Files.createTempDirectory("sd-");
		Path socket = dir.resolve(name);
		dir.toFile().deleteOnExit();
		socket.toFile().deleteOnExit();
		return socket;
	}

}
