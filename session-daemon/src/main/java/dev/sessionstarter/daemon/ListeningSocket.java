package dev.sessionstarter.daemon;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

import dev.sessionstarter.daemon.protocol.DaemonAddress;

/**
 * The daemon's listening socket: a loopback port, or a UNIX socket that only its owner can
 * connect to, replacing the stale socket of a daemon that is gone but never a live one or a
 * file that is not a socket.
 */
final class ListeningSocket {

	private ListeningSocket() {
	}

	/**
	 * Bind the port or create the socket.
	 * @param address where to listen
	 * @return the bound channel
	 * @throws IOException if it cannot be bound
	 */
	static ServerSocketChannel open(DaemonAddress address) throws IOException {
		Path path = address.path();
		if (path == null) {
			ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.INET);
			channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			channel.bind(address.socketAddress(), 512);
			return channel;
		}
		return bindOwnerOnly(path);
	}

	/**
	 * Create the socket so that only its owner can ever connect: bind it inside a new
	 * owner-only directory beside the target, make it owner-only, then rename it into place.
	 */
	private static ServerSocketChannel bindOwnerOnly(Path path) throws IOException {
		removeStaleSocket(path);
		Path parent = Objects.requireNonNull(path.getParent());
		Files.createDirectories(parent);
		Path privateDir = Files.createTempDirectory(parent, ".session-daemon-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
		Path temporary = privateDir.resolve("socket");
		ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		try {
			channel.bind(UnixDomainSocketAddress.of(temporary), 512);
			Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
			Files.move(temporary, path, StandardCopyOption.ATOMIC_MOVE);
			return channel;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
		finally {
			Files.deleteIfExists(temporary);
			Files.deleteIfExists(privateDir);
		}
	}

	private static void removeStaleSocket(Path path) throws IOException {
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
		if (!(mode instanceof Integer bits) || (bits & 0170000) != 0140000) {
			throw new IOException(path + " exists and is not a socket; not replacing it");
		}
		try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
			throw new IOException("Another daemon is listening on " + path);
		}
		catch (IOException ex) {
			if (ex.getMessage() != null && ex.getMessage().startsWith("Another daemon")) {
				throw ex;
			}
			Files.delete(path);
			SessionDaemon.log("INFO", "Removed the stale socket " + path + " of a daemon that is gone");
		}
	}

	/**
	 * Remove the UNIX socket of a stopping daemon; nothing for a loopback port.
	 * @param address where the daemon listened
	 */
	static void remove(DaemonAddress address) {
		Path path = address.path();
		if (path != null) {
			try {
				Files.deleteIfExists(path);
			}
			catch (IOException ex) {
				SessionDaemon.log("WARN", "Cannot remove the socket " + path + ": " + ex.getMessage());
			}
		}
	}

}
