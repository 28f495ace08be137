package dev.sessionstarter.daemon.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Where the daemon listens: a TCP port on the loopback interface, or the path of a UNIX
 * domain socket. Written as the port number ({@code 7070}) or the path ({@code /run/sessions.sock},
 * {@code ./sessions.sock}); a relative path resolves from the working directory.
 */
public final class DaemonAddress {

	private final @Nullable Path path;

	private final int port;

	private DaemonAddress(@Nullable Path path, int port) {
		this.path = path;
		this.port = port;
	}

	/**
	 * Parse an address.
	 * @param value a port number from 1 to 65535, or a socket path
	 * @return the address
	 * @throws IllegalArgumentException if the value is empty, a number out of range, or not a path
	 */
	public static DaemonAddress parse(@Nullable String value) {
		Assert.isTrue(value != null && !value.isBlank(), "The address must be a port number or a socket path");
		String trimmed = value.trim();
		if (trimmed.chars().allMatch(Character::isDigit)) {
			int port = (trimmed.length() <= 5) ? Integer.parseInt(trimmed) : -1;
			Assert.isTrue(port >= 1 && port <= 65535, () -> "Port " + trimmed + " is not between 1 and 65535");
			return new DaemonAddress(null, port);
		}
		try {
			return new DaemonAddress(Path.of(trimmed).toAbsolutePath().normalize(), 0);
		}
		catch (InvalidPathException ex) {
			throw new IllegalArgumentException("'" + trimmed + "' is neither a port number nor a socket path", ex);
		}
	}

	/**
	 * Whether this is a UNIX domain socket.
	 * @return {@code true} for a socket path, {@code false} for a port
	 */
	public boolean isUnixSocket() {
		return this.path != null;
	}

	/**
	 * Return the socket path.
	 * @return the absolute path, or {@code null} for a port
	 */
	public @Nullable Path path() {
		return this.path;
	}

	/**
	 * Return the port.
	 * @return the port, or {@code 0} for a socket path
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the socket address to bind or connect to.
	 * @return a loopback {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
	 */
	public SocketAddress socketAddress() {
		return (this.path != null) ? UnixDomainSocketAddress.of(this.path)
				: new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port);
	}

	/**
	 * Open a blocking channel connected to this address.
	 * @return the connected channel
	 * @throws IOException if the connection fails
	 */
	public SocketChannel connect() throws IOException {
		SocketChannel channel = openChannel();
		try {
			channel.connect(socketAddress());
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Open a blocking channel of this address's family, not yet connected (TCP with
	 * {@code TCP_NODELAY}), so that a deadline can guard the connect.
	 * @return the channel
	 * @throws IOException if the channel cannot be opened
	 */
	public SocketChannel openChannel() throws IOException {
		SocketChannel channel = SocketChannel
			.open((this.path != null) ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
		if (this.path == null) {
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
		}
		return channel;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof DaemonAddress that && this.port == that.port
				&& Objects.equals(this.path, that.path);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.path, this.port);
	}

	/**
	 * Return the address for messages: {@code 127.0.0.1:7070} or {@code unix:/path}.
	 * @return the address
	 */
	@Override
	public String toString() {
		return (this.path != null) ? "unix:" + this.path
				: InetAddress.getLoopbackAddress().getHostAddress() + ":" + this.port;
	}

}
