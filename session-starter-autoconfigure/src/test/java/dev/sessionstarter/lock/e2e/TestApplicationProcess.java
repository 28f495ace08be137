package dev.sessionstarter.lock.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

import dev.sessionstarter.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LockTestApplication} in a second JVM, for the tests that work across processes: started
 * with the given properties, its output in a log file, and stopped by closing its standard input.
 */
final class TestApplicationProcess implements AutoCloseable {

	private static final String PORT_LINE = "test application listening on port ";

	private final Process process;

	private final Path log;

	private final int port;

	private TestApplicationProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
		this.port = awaitPort();
	}

	/**
	 * Start the application in a new JVM and wait until it listens.
	 * @param properties its properties, as {@code name=value}
	 * @param log the file its output goes to
	 * @return the running process
	 * @throws IOException if it cannot be started
	 */
	static TestApplicationProcess start(List<String> properties, Path log) throws IOException {
		List<String> command = ChildJvm.command(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), Main.class);
		properties.forEach((property) -> command.add("--" + property));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new TestApplicationProcess(process, log);
	}

	/**
	 * Return the port it listens on.
	 * @return the port
	 */
	int port() {
		return this.port;
	}

	@Override
	public void close() throws IOException, InterruptedException {
		// the process stops when its standard input ends
		this.process.getOutputStream().close();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		if (this.process.exitValue() != 0) {
			System.err.printf("The other process exited with %d:%n%s%n", this.process.exitValue(),
					Files.readString(this.log));
		}
	}

	private int awaitPort() {
		Pattern port = Pattern.compile(Pattern.quote(PORT_LINE) + "(\\d+)");
		Matcher started = await("the other process started").atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				String output = Files.exists(this.log) ? Files.readString(this.log) : "";
				assertThat(this.process.isAlive()).as("the other process stopped:%n%s", output).isTrue();
				return port.matcher(output);
			}, Matcher::find);
		return Integer.parseInt(started.group(1));
	}

	/**
	 * The main class of the other process: the test application, which prints its port once it
	 * listens and stops when its standard input ends (when the test closes it, or dies), or
	 * after ten minutes at the most.
	 */
	public static final class Main {

		private Main() {
		}

		public static void main(String[] args) {
			Thread stdin = new Thread(() -> {
				try {
					while (System.in.read() != -1) {
						// nothing is sent: wait for the end
					}
				}
				catch (IOException ex) {
					// the end all the same
				}
				System.exit(0);
			});
			Thread deadline = new Thread(() -> {
				try {
					Thread.sleep(TimeUnit.MINUTES.toMillis(10));
				}
				catch (InterruptedException ex) {
					return;
				}
				System.exit(1);
			});
			for (Thread watch : List.of(stdin, deadline)) {
				watch.setDaemon(true);
				watch.start();
			}
			SpringApplication application = new SpringApplication(LockTestApplication.class);
			application.addListeners((ApplicationListener<ApplicationEvent>) (event) -> {
				if (event instanceof WebServerInitializedEvent initialized) {
					System.out.println(PORT_LINE + initialized.getWebServer().getPort());
				}
			});
			application.run(args);
		}

	}

}
