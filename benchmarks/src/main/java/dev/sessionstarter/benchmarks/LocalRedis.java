package dev.sessionstarter.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.FileSystemUtils;

/**
 * The one {@code redis-server} every Redis implementation of a benchmark JVM shares: started on
 * a free loopback port without persistence ({@code --save '' --appendonly no}) when the first
 * adapter {@link #acquire() acquires} it, stopped when the last one {@link #release() releases}
 * it, and at the latest when the JVM exits. One Lettuce connection factory to it, as Spring
 * Boot builds it, is shared by the adapters, its connection made (a {@code PING}) before any
 * adapter uses it; each adapter keeps its keys under a namespace of its own. Needs
 * {@code redis-server} on the {@code PATH} (Debian: {@code apt-get install -y redis-server}).
 */
final class LocalRedis {

	private static final Duration STARTUP = Duration.ofSeconds(30);

	private static @Nullable LocalRedis shared;

	private static int users;

	private final int port;

	private final Path dir;

	private final Process process;

	private final LettuceConnectionFactory connectionFactory;

	private LocalRedis(int port, Path dir, Process process) {
		this.port = port;
		this.dir = dir;
		this.process = process;
		this.connectionFactory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
		this.connectionFactory.afterPropertiesSet();
		this.connectionFactory.start();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.ping();
		}
	}

	/**
	 * Return the shared server, starting it if no adapter holds it. Each call is paired with one
	 * {@link #release()}.
	 * @return the server
	 * @throws IOException if it cannot be started
	 */
	static synchronized LocalRedis acquire() throws IOException {
		if (shared == null) {
			shared = start();
		}
		users++;
		return shared;
	}

	/**
	 * Release the server; the last release stops it.
	 */
	static synchronized void release() {
		users--;
		if (users == 0 && shared != null) {
			shared.stop();
			shared = null;
		}
	}

	private static LocalRedis start() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			port = socket.getLocalPort();
		}
		Path dir = Files.createTempDirectory("benchmark-redis-");
		Process process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--dir", dir.toString())
			.redirectErrorStream(true)
			.redirectOutput(dir.resolve("redis.log").toFile())
			.start();
		Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
		long deadline = System.nanoTime() + STARTUP.toNanos();
		while (!answersPing(port)) {
			if (!process.isAlive() || System.nanoTime() > deadline) {
				process.destroyForcibly();
				throw new IOException(
						"redis-server did not start on port " + port + ", see " + dir.resolve("redis.log"));
			}
			process.onExit().completeOnTimeout(null, 50, TimeUnit.MILLISECONDS).join();
		}
		System.err.println("Started redis-server on 127.0.0.1:" + port + " (no persistence)");
		return new LocalRedis(port, dir, process);
	}

	/**
	 * Return the connection factory the adapters share.
	 * @return the started factory
	 */
	LettuceConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	/**
	 * Return the process id of the server, to read its CPU time.
	 * @return the pid
	 */
	long pid() {
		return this.process.pid();
	}

	/**
	 * Return the server's port on {@code 127.0.0.1}.
	 * @return the port
	 */
	int port() {
		return this.port;
	}

	private void stop() {
		this.connectionFactory.destroy();
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		FileSystemUtils.deleteRecursively(this.dir.toFile());
		System.err.println("Stopped redis-server on 127.0.0.1:" + this.port);
	}

	private static boolean answersPing(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			socket.setSoTimeout(1000);
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = in.readNBytes(5);
			return new String(reply, StandardCharsets.US_ASCII).equals("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

}
