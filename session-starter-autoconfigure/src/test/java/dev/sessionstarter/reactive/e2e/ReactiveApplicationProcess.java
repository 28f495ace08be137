package dev.sessionstarter.reactive.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;

import dev.sessionstarter.ChildJvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ReactiveTestApplication} on Netty in a second JVM with BlockHound installed: every
 * blocking call on an event-loop (or other non-blocking) thread is printed with
 * {@value #BLOCKING_CALL} and fails. Its output goes to a log file; it stops when its standard
 * input is closed.
 */
final class ReactiveApplicationProcess implements AutoCloseable {

	static final String BLOCKING_CALL = "BLOCKING CALL ON A NON-BLOCKING THREAD: ";

	private static final String PORT_LINE = "reactive test application listening on port ";

	private final Process process;

	private final Path log;

	private final int port;

	private ReactiveApplicationProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
		this.port = awaitPort();
	}

	static ReactiveApplicationProcess start(List<String> properties, Path log) throws IOException {
		List<String> command = ChildJvm.command(
				List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+AllowRedefinitionToAddDeleteMethods"),
				Main.class);
		properties.forEach((property) -> command.add("--" + property));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		return new ReactiveApplicationProcess(process, log);
	}

	int port() {
		return this.port;
	}

	String output() throws IOException {
		return Files.readString(this.log);
	}

	/**
	 * Print the threads of the other process to its log.
	 */
	void dumpThreads() throws IOException, InterruptedException {
		new ProcessBuilder(ChildJvm.java().replace("bin/java", "bin/jcmd"), Long.toString(this.process.pid()),
				"Thread.print").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()))
			.start()
			.waitFor(60, TimeUnit.SECONDS);
	}

	@Override
	public void close() throws IOException, InterruptedException {
		this.process.getOutputStream().close();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
		}
		String output = output();
		int blocking = output.indexOf(BLOCKING_CALL);
		if (blocking >= 0) {
			System.err.println(output.substring(blocking, Math.min(output.length(), blocking + 6000)));
		}
	}

	private int awaitPort() {
		Pattern port = Pattern.compile(Pattern.quote(PORT_LINE) + "(\\d+)");
		Matcher started = await("the other process started").atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> {
				String output = Files.exists(this.log) ? Files.readString(this.log) : "";
				assertThat(this.process.isAlive()).as("the other process stopped:%n%s", output).isTrue();
				return port.matcher(output);
			}, Matcher::find);
		return Integer.parseInt(started.group(1));
	}

	/**
	 * The main class of the other process: installs BlockHound, starts the application, prints
	 * its port, and stops when its standard input ends (or after ten minutes at the most).
	 */
	public static final class Main {

		private Main() {
		}

		public static void main(String[] args) {
			BlockHound.builder().loadIntegrations().blockingMethodCallback((method) -> {
				System.out.println(BLOCKING_CALL + method);
				new Exception("blocking call").printStackTrace(System.out);
				throw new BlockingOperationError(method);
			}).install();
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
			stdin.setDaemon(true);
			stdin.start();
			Thread deadline = new Thread(() -> {
				try {
					Thread.sleep(TimeUnit.MINUTES.toMillis(10));
				}
				catch (InterruptedException ex) {
					return;
				}
				System.exit(1);
			});
			deadline.setDaemon(true);
			deadline.start();
			SpringApplication application = new SpringApplication(ReactiveTestApplication.class);
			application.setWebApplicationType(WebApplicationType.REACTIVE);
			application.addListeners((ApplicationListener<ApplicationEvent>) (event) -> {
				if (event instanceof WebServerInitializedEvent initialized) {
					System.out.println(PORT_LINE + initialized.getWebServer().getPort());
				}
			});
			application.run(args);
		}

	}

}
