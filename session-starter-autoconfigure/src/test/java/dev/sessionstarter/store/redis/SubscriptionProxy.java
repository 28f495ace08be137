package dev.sessionstarter.store.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * A loopback TCP proxy in front of a {@code redis-server} that can make the connections that
 * subscribed (those whose client sent {@code SUBSCRIBE}) deaf while every other connection, and
 * every connection made later, still reaches Redis: {@link #silenceSubscriptions()} stops
 * passing their bytes on either way without closing them (no FIN, no RST: a silent partition, a
 * peer gone without a word), {@link #dropSubscriptions()} closes them, and
 * {@link #silenceEverySubscription()} silences those made later too, before their {@code SUBSCRIBE}
 * reaches Redis (subscribing again keeps failing).
 */
final class SubscriptionProxy implements AutoCloseable {

	private static final byte[] SUBSCRIBE = "SUBSCRIBE".getBytes(StandardCharsets.US_ASCII);

	private final ServerSocket server;

	private final int target;

	private final List<Link> links = new CopyOnWriteArrayList<>();

	private volatile boolean silenceLater;

	SubscriptionProxy(int target) throws IOException {
		this.target = target;
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		start(this::accept);
	}

	int port() {
		return this.server.getLocalPort();
	}

	/**
	 * Stop passing on the bytes of every connection that subscribed so far, either way, keeping
	 * it open.
	 */
	void silenceSubscriptions() {
		this.links.stream().filter((link) -> link.subscribed).forEach((link) -> link.silent = true);
	}

	/**
	 * Stop passing on the bytes of every connection that subscribed so far, and of every one
	 * that subscribes later from its {@code SUBSCRIBE} on, keeping them open.
	 */
	void silenceEverySubscription() {
		this.silenceLater = true;
		silenceSubscriptions();
	}

	/**
	 * Close every connection that subscribed so far.
	 */
	void dropSubscriptions() {
		this.links.stream().filter((link) -> link.subscribed).forEach(Link::close);
	}

	/**
	 * Return how many connections subscribed.
	 */
	long subscriptions() {
		return this.links.stream().filter((link) -> link.subscribed).count();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket client = this.server.accept();
				Socket redis = new Socket(InetAddress.getLoopbackAddress(), this.target);
				Link link = new Link(client, redis, () -> this.silenceLater);
				this.links.add(link);
				start(() -> link.copy(client, redis, true));
				start(() -> link.copy(redis, client, false));
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private static void start(Runnable task) {
		Thread thread = new Thread(task, "subscription-proxy");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		this.links.forEach(Link::close);
	}

	/**
	 * One client's connection and the proxy's connection to Redis for it.
	 */
	private static final class Link {

		private final Socket client;

		private final Socket redis;

		private final BooleanSupplier silenceWhenSubscribed;

		private volatile boolean subscribed;

		private volatile boolean silent;

		Link(Socket client, Socket redis, BooleanSupplier silenceWhenSubscribed) {
			this.client = client;
			this.redis = redis;
			this.silenceWhenSubscribed = silenceWhenSubscribed;
		}

		void copy(Socket from, Socket to, boolean fromClient) {
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				byte[] buffer = new byte[8192];
				for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
					if (fromClient && !this.subscribed && contains(buffer, read, SUBSCRIBE)) {
						this.silent = this.silenceWhenSubscribed.getAsBoolean();
						this.subscribed = true;
					}
					if (!this.silent) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
			}
			catch (IOException ex) {
				// closed
			}
			if (!this.silent) {
				close();
			}
		}

		void close() {
			for (Socket socket : new Socket[] { this.client, this.redis }) {
				try {
					socket.close();
				}
				catch (IOException ex) {
					// ignore
				}
			}
		}

		private static boolean contains(byte[] buffer, int length, byte[] part) {
			for (int i = 0; i + part.length <= length; i++) {
				int j = 0;
				while (j < part.length && Character.toUpperCase(buffer[i + j]) == part[j]) {
					j++;
				}
				if (j == part.length) {
					return true;
				}
			}
			return false;
		}

	}

}
