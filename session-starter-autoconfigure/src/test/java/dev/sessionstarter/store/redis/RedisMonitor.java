package dev.sessionstarter.store.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * Lists the commands clients send to a Redis server, with {@code MONITOR}: each line a
 * command, those a script runs inside Redis marked {@code [... lua]}, so that the round trips
 * of an operation can be counted, which unlike its time is deterministic.
 */
public final class RedisMonitor implements AutoCloseable {

	private final Socket socket;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private int marks;

	public RedisMonitor(int port) throws IOException {
		this.socket = new Socket();
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		OutputStream out = this.socket.getOutputStream();
		out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		BufferedReader in = new BufferedReader(new InputStreamReader(this.socket.getInputStream(),
				StandardCharsets.UTF_8));
		this.reader = new Thread(() -> {
			try {
				for (String line = in.readLine(); line != null; line = in.readLine()) {
					this.lines.add(line);
				}
			}
			catch (IOException ex) {
				// closed
			}
		}, "redis-monitor");
		this.reader.setDaemon(true);
		this.reader.start();
		await().until(() -> this.lines.contains("+OK"));
	}

	/**
	 * Return the commands clients sent (not those scripts ran inside Redis) that name a key of a
	 * namespace, since the monitor started or this method was last called.
	 * @param calls calls to the server, to send a marker on: once the monitor has seen it, it
	 * has seen every command sent before
	 * @param namespace the namespace
	 * @return the command names, upper case, in the order they were sent
	 */
	public List<String> sentSince(RedisCalls calls, String namespace) {
		return since(calls, namespace, false);
	}

	/**
	 * Return the commands scripts ran inside Redis since the monitor started or a method of this
	 * monitor was last called.
	 * @param calls calls to the server, to send a marker on
	 * @param namespace the namespace; ignored, since scripts name keys of one session only
	 * @return the command names, upper case, in the order they ran
	 */
	public List<String> ranByScriptsSince(RedisCalls calls, String namespace) {
		return since(calls, namespace, true);
	}

	private List<String> since(RedisCalls calls, String namespace, boolean byScripts) {
		String marker = "monitor-mark-" + (++this.marks);
		calls.call("mark", (commands) -> commands.echo(marker.getBytes(StandardCharsets.US_ASCII)));
		String markerLine = "\"ECHO\" \"" + marker + "\"";
		await().until(() -> this.lines.stream().anyMatch((line) -> line.contains(markerLine)));
		List<String> sent = new ArrayList<>();
		for (String line : this.lines) {
			if (line.contains(markerLine)) {
				break;
			}
			boolean lua = line.contains(" lua]");
			if (line.contains(":lock-releases:ping:")) {
				// the subscription's liveness check, every few seconds, not a request's
				continue;
			}
			if ((byScripts) ? lua : (line.contains(namespace) && !lua)) {
				int start = line.indexOf("] \"") + 3;
				sent.add(line.substring(start, line.indexOf('"', start)).toUpperCase(Locale.ROOT));
			}
		}
		this.lines.clear();
		return sent;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
