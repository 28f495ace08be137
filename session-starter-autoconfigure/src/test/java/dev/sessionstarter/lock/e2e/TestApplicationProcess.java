package dev.sessionstarter.lock.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.WebApplicationType;

import dev.sessionstarter.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A test application in a second JVM, for the tests that work across processes: started with
 * the given properties, its output in a log file, and stopped by closing its standard input. A
 * reactive one runs on Netty with BlockHound installed: every blocking call on an event-loop (or
 * other non-blocking) thread is printed with {@value #BLOCKING_CALL} and fails.
 */
public final class TestApplicationProcess implements AutoCloseable {

	/**
	 * What a reactive application prints before a blocking call on a non-blocking thread.
	 */
	public static final String BLOCKING_CALL = "BLOCKING CALL ON A NON-BLOCKING THREAD: ";

	private final Process process;

	private final Path log;

	private final int port;

	private TestApplicationProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
		this.port = awaitPort();
	}

	/**
	 * Start {@link LockTestApplication} (servlet) in a new JVM and wait until it listens.
	 * @param properties its properties, as {@code name=value}
	 * @param log the file its output goes to
	 * @return the running process
	 * @throws IOException if it cannot be started
	 */
	static TestApplicationProcess start(List<String> properties, Path log) throws IOException {
		return start(LockTestApplication.class, WebApplicationType.SERVLET, properties, log);
	}

	/**
	 * Start an application in a new JVM and wait until it listens; a reactive one runs under
	 * BlockHound.
	 * @param application the application class
	 * @param type its web application type, {@code SERVLET} or {@code REACTIVE}
	 * @param properties its properties, as {@code name=value}
	 * @param log the file its output goes to
	 * @return the running process
	 * @throws IOException if it cannot be started
	 */
	public static TestApplicationProcess start(Class<?> application, WebApplicationType type, List<String> properties,
			Path log) throws IOException {
		List<String> options = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"));
		if (type == WebApplicationType.REACTIVE) {
			// BlockHound redefines JDK classes
			options.add("-XX:+AllowRedefinitionToAddDeleteMethods");
		}
		List<String> command = ChildJvm.command(options, TestApplicationMain.class, application.getName(), type.name());
		properties.forEach((property) -> command.add("--" + property));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new TestApplicationProcess(process, log);
	}

	/**
	 * Return the port it listens on.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return its process id, for signals.
	 * @return the pid
	 */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Return everything it printed so far.
	 * @return its output
	 * @throws IOException if the log cannot be read
	 */
	public String output() throws IOException {
		return Files.readString(this.log);
	}

	/**
	 * Print the threads of the other process to its log.
	 * @throws IOException if {@code jcmd} cannot be started
	 * @throws InterruptedException if interrupted while waiting for it
	 */
	public void dumpThreads() throws IOException, InterruptedException {
		String jcmd = ChildJvm.java().replace("bin/java", "bin/jcmd");
		new ProcessBuilder(jcmd, Long.toString(this.process.pid()), "Thread.print").redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
			.start()
			.waitFor(60, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws IOException, InterruptedException {
		// the process stops when its standard input ends
		this.process.getOutputStream().close();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		String output = output();
		if (this.process.exitValue() != 0) {
			System.err.printf("The other process exited with %d:%n%s%n", this.process.exitValue(), output);
		}
		int blocking = output.indexOf(BLOCKING_CALL);
		if (blocking >= 0) {
			System.err.println(output.substring(blocking, Math.min(output.length(), blocking + 6000)));
		}
	}

	private int awaitPort() {
		Pattern port = Pattern.compile(Pattern.quote(TestApplicationMain.PORT_LINE) + "(\\d+)");
		Matcher started = await("the other process started").atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				String output = Files.exists(this.log) ? Files.readString(this.log) : "";
				assertThat(this.process.isAlive()).as("the other process stopped:%n%s", output).isTrue();
				return port.matcher(output);
			}, Matcher::find);
		return Integer.parseInt(started.group(1));
	}

}
