package dev.sessionstarter.store.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A real {@code redis-server} started as a child process for the tests of a class, on a free
 * loopback port, without persistence; stopped after the class and at the latest when the JVM
 * exits. Register it with {@code @RegisterExtension static final RedisServer redis = new
 * RedisServer();}. A machine without {@code redis-server} fails the tests, saying to install it.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {

	private static final Duration STARTUP = Duration.ofSeconds(20);

	private final List<String> options;

	private int port;

	private Path dir;

	private Process process;

	private LettuceConnectionFactory connectionFactory;

	/**
	 * A server with the options every test server has.
	 * @param options more options of {@code redis-server}, such as {@code --cluster-enabled yes}
	 */
	public RedisServer(String... options) {
		this.options = List.of(options);
	}

	@Override
	public void beforeAll(ExtensionContext context) throws Exception {
		open();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	/**
	 * Start the server on a free port.
	 * @throws IOException if no port or directory can be had
	 */
	void open() throws IOException {
		this.port = freePort();
		this.dir = Files.createTempDirectory("redis-" + this.port + "-");
		start();
	}

	/**
	 * Stop the server and the connection factory to it.
	 */
	void close() {
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
			this.connectionFactory = null;
		}
		stop();
	}

	Path dir() {
		return this.dir;
	}

	/**
	 * Start the server (again, after {@link #stop()}) on its port, and wait until it answers.
	 */
	public void start() {
		List<String> command = new ArrayList<>(List.of(executable("redis-server"), "--port",
				Integer.toString(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
				this.dir.toString()));
		command.addAll(this.options);
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(this.dir.resolve("redis.log").toFile())
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Process started = this.process;
		Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
		await().atMost(STARTUP).ignoreExceptions().until(this::answersPing);
	}

	/**
	 * Kill the server and wait until it is gone ({@code SIGCONT} first, should it be paused).
	 */
	public void stop() {
		if (this.process != null) {
			if (this.process.isAlive()) {
				resume();
			}
			this.process.destroyForcibly();
			try {
				this.process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.process = null;
		}
	}

	/**
	 * Freeze the server ({@code SIGSTOP}): it keeps its connections and answers nothing.
	 */
	public void pause() {
		signal("-STOP");
	}

	/**
	 * Let a {@link #pause() paused} server go on ({@code SIGCONT}).
	 */
	public void resume() {
		signal("-CONT");
	}

	public int port() {
		return this.port;
	}

	/**
	 * Return a started connection factory to this server, shared by the tests of the class.
	 * @return the factory
	 */
	public LettuceConnectionFactory connectionFactory() {
		if (this.connectionFactory == null) {
			this.connectionFactory = newConnectionFactory();
		}
		return this.connectionFactory;
	}

	/**
	 * Return a started connection factory to this server of its own (another instance's
	 * client), which the caller destroys.
	 * @return the factory
	 */
	public LettuceConnectionFactory newConnectionFactory() {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", this.port));
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * Run {@code redis-cli} and return what it printed.
	 * @param arguments its arguments
	 * @return its output
	 */
	public static String cli(String... arguments) {
		List<String> command = new ArrayList<>(List.of(executable("redis-cli")));
		command.addAll(List.of(arguments));
		try {
			Process cli = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!cli.waitFor(30, TimeUnit.SECONDS)) {
				cli.destroyForcibly();
			}
			return output;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private void signal(String signal) {
		try {
			Process kill = new ProcessBuilder("kill", signal, Long.toString(this.process.pid())).start();
			kill.waitFor(10, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private boolean answersPing() throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 1000);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = in.readNBytes(reply, 0, reply.length);
			String answer = new String(reply, 0, read, StandardCharsets.US_ASCII);
			// a server whose default user is off or has a password answers too, asking for it
			return answer.startsWith("+PONG") || answer.startsWith("-NOAUTH");
		}
	}

	private static String executable(String name) {
		for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
			Path candidate = Path.of(dir, name);
			if (Files.isExecutable(candidate)) {
				return candidate.toString();
			}
		}
		return fail(name + " is not installed, and the Redis store tests need a real Redis: install it "
				+ "(apt-get install -y redis-server, which brings redis-server and redis-cli)");
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
