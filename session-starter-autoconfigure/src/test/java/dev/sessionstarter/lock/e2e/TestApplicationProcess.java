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
		List<String> command = ChildJvm.command(options, Main.class, application.getName(), type.name());
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
		Pattern port = Pattern.compile(Pattern.quote(PORT_LINE) + "(\\d+)");
		Matcher started = await("the other process started").atMost(Duration.ofSeconds(180))
			.pollInterval(Duration.ofMillis(100))
			.until(() -> {
				String output = Files.exists(this.log) ? Files.readString(this.log) : "";
				assertThat(this.process.isAlive()).as("the other process stopped:%n%s", output).isTrue();
				return port.matcher(output);
			}, Matcher::find);
		return Integer.parseInt(started.group(1));
	}

	/**
	 * The main class of the other process: arguments are the application class, its web
	 * application type, then its own arguments. It installs BlockHound in a reactive application,
	 * prints the port once the application listens, and stops when its standard input ends (when
	 * the test closes it, or dies), or after ten minutes at the most.
	 */
	public static final class Main {

		private Main() {
		}

		public static void main(String[] args) throws ClassNotFoundException {
			WebApplicationType type = WebApplicationType.valueOf(args[1]);
			if (type == WebApplicationType.REACTIVE) {
				installBlockHound();
			}
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
			SpringApplication application = new SpringApplication(Class.forName(args[0]));
			application.setWebApplicationType(type);
			application.addListeners((ApplicationListener<ApplicationEvent>) (event) -> {
				if (event instanceof WebServerInitializedEvent initialized) {
					System.out.println(PORT_LINE + initialized.getWebServer().getPort());
				}
			});
			application.run(List.of(args).subList(2, args.length).toArray(String[]::new));
		}

		private static void installBlockHound() {
			BlockHound.builder().loadIntegrations().blockingMethodCallback((method) -> {
				System.out.println(BLOCKING_CALL + method);
				new Exception("blocking call").printStackTrace(System.out);
				throw new BlockingOperationError(method);
			}).install();
		}

	}

}
