package dev.sessionstarter.daemon;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.sessionstarter.daemon.protocol.Opcodes;
import dev.sessionstarter.daemon.protocol.WireOutput;

/**
 * A loopback TCP proxy in front of a daemon that counts the request frames its clients send, by
 * operation, and the bytes the daemon answers, so that a test can tell how many round trips a
 * request costs and what they carry; it can also hold the daemon's answers back for a while.
 */
final class CountingProxy implements AutoCloseable {

	private final ServerSocket server;

	private final int target;

	private final Map<Byte, AtomicInteger> requests = new ConcurrentHashMap<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private final AtomicLong answerBytes = new AtomicLong();

	private volatile byte[] refused = {};

	private final Object gate = new Object();

	private boolean held;

	CountingProxy(int target) throws IOException {
		this.target = target;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		start(this::accept);
	}

	int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Return the requests counted since the last reset, by operation name, leaving out the
	 * pings of the liveness check and what no request asks: the long poll of retained locks'
	 * notices ({@code WANTED}) and the client id a new connection sends ({@code CLIENT}).
	 */
	Map<String, Integer> requests() {
		Map<String, Integer> counts = new TreeMap<>();
		this.requests.forEach((opcode, count) -> {
			if (opcode != Opcodes.PING && opcode != Opcodes.WANTED && opcode != Opcodes.CLIENT && count.get() > 0) {
				counts.put(Opcodes.requestName(opcode), count.get());
			}
		});
		return counts;
	}

	/**
	 * Return how many bytes the daemon sent its clients since the last reset.
	 */
	long answerBytes() {
		return this.answerBytes.get();
	}

	/**
	 * Return how many requests of one operation were counted since the last reset, any of them.
	 */
	int count(byte opcode) {
		AtomicInteger count = this.requests.get(opcode);
		return (count != null) ? count.get() : 0;
	}

	int total() {
		return requests().values().stream().mapToInt(Integer::intValue).sum();
	}

	/**
	 * Answer operations as an older daemon does, with {@code ERROR} "Unknown operation", without
	 * passing them on.
	 */
	void refuse(byte... opcodes) {
		this.refused = opcodes.clone();
	}

	/**
	 * Hold the daemon's answers back (those read from now on) until {@link #open()}.
	 */
	void hold() {
		synchronized (this.gate) {
			this.held = true;
		}
	}

	/**
	 * Pass the daemon's answers on again, those held first.
	 */
	void open() {
		synchronized (this.gate) {
			this.held = false;
			this.gate.notifyAll();
		}
	}

	void reset() {
		this.requests.clear();
		this.answerBytes.set(0);
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket daemon = new Socket(InetAddress.getLoopbackAddress(), this.target);
				this.sockets.add(client);
				this.sockets.add(daemon);
				start(() -> countRequests(client, daemon));
				start(() -> copy(daemon, client));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void countRequests(Socket from, Socket to) {
		try (DataInputStream in = new DataInputStream(from.getInputStream())) {
			OutputStream out = to.getOutputStream();
			while (true) {
				int length = in.readInt();
				byte[] frame = new byte[length];
				in.readFully(frame);
				this.requests.computeIfAbsent(frame[0], (opcode) -> new AtomicInteger()).incrementAndGet();
				if (refused(frame[0])) {
					ByteBuffer error = WireOutput.frame(Opcodes.ERROR)
						.writeString("Unknown operation " + String.format("0x%02x", frame[0]))
						.toFrame();
					OutputStream reply = from.getOutputStream();
					reply.write(error.array(), 0, error.limit());
					reply.flush();
					continue;
				}
				out.write(new byte[] { (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
						(byte) length });
				out.write(frame);
				out.flush();
			}
		}
		catch (IOException ex) {
			closeQuietly(from, to);
		}
	}

	private boolean refused(byte opcode) {
		for (byte refused : this.refused) {
			if (refused == opcode) {
				return true;
			}
		}
		return false;
	}

	private void copy(Socket from, Socket to) {
		try {
			InputStream in = from.getInputStream();
			OutputStream out = to.getOutputStream();
			byte[] buffer = new byte[8192];
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				synchronized (this.gate) {
					while (this.held) {
						this.gate.wait();
					}
				}
				this.answerBytes.addAndGet(read);
				out.write(buffer, 0, read);
				out.flush();
			}
		}
		catch (IOException | InterruptedException ex) {
			// closed
		}
		closeQuietly(from, to);
	}

	private static void start(Runnable task) {
		Thread thread = new Thread(task, "counting-proxy");
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(Socket... sockets) {
		for (Socket socket : sockets) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// ignore
			}
		}
	}

	@Override
	public void close() throws IOException {
		open();
		this.server.close();
		this.sockets.forEach(CountingProxy::closeQuietly);
	}

}
