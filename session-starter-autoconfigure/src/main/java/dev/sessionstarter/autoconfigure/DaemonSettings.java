package dev.sessionstarter.autoconfigure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.client.DaemonClient;
import dev.sessionstarter.daemon.protocol.DaemonAddress;

/**
 * Reads {@code sessions.daemon.*} for the daemon store and the daemon lock manager: checks the
 * values, parses the address, reads the token file, and creates the clients.
 */
final class DaemonSettings {

	private DaemonSettings() {
	}

	/**
	 * Create a client of the daemon.
	 * @param daemon the settings
	 * @param maxConnections the most connections the client opens at once
	 * @return the client
	 * @throws InvalidSessionsPropertyException for the first bad value
	 */
	static DaemonClient client(SessionsProperties.Daemon daemon, int maxConnections) {
		DaemonAddress address = address(daemon.getAddress());
		SettingsCheck.positive("sessions.daemon.timeout", daemon.getTimeout(), "2s");
		if (daemon.getPoolSize() < 1) {
			throw new InvalidSessionsPropertyException("sessions.daemon.pool-size", daemon.getPoolSize(),
					"must be at least 1");
		}
		if (daemon.getLockLease() == null || daemon.getLockLease().isNegative()) {
			throw new InvalidSessionsPropertyException("sessions.daemon.lock-lease", daemon.getLockLease(),
					"must be zero (the daemon's own lease) or a positive duration, such as 60s");
		}
		lockRetain(daemon);
		return new DaemonClient(address, daemon.getTimeout(), maxConnections, daemon.getPoolSize(), token(daemon));
	}

	/**
	 * Return the checked retention of request locks ({@code sessions.daemon.lock-retain}).
	 * @param daemon the settings
	 * @return zero (off), or at least a second
	 */
	static Duration lockRetain(SessionsProperties.Daemon daemon) {
		Duration retain = daemon.getLockRetain();
		SettingsCheck.notNegative("sessions.daemon.lock-retain", retain, "10s");
		if (!retain.isZero() && retain.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidSessionsPropertyException("sessions.daemon.lock-retain", retain,
					"must be 0 (off) or at least 1s, such as 10s: an application trusts a retained lock for half of "
							+ "it, so a shorter one would seldom serve a request");
		}
		return retain;
	}

	/**
	 * Parse the daemon's address.
	 * @param address a port or a socket path
	 * @return the address
	 * @throws InvalidSessionsPropertyException if it is neither a port nor a path
	 */
	static DaemonAddress address(String address) {
		try {
			return DaemonAddress.parse(address);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidSessionsPropertyException("sessions.daemon.address", address,
					"must be a port number from 1 to 65535 or the path of the daemon's UNIX socket");
		}
	}

	/**
	 * Return the token to send: {@code token}, else the first line of {@code token-file}.
	 * @param daemon the settings
	 * @return the token, or {@code null} if neither is set
	 * @throws InvalidSessionsPropertyException if the token file cannot be read or is empty
	 */
	static @Nullable String token(SessionsProperties.Daemon daemon) {
		if (daemon.getToken() != null && !daemon.getToken().isEmpty()) {
			return daemon.getToken();
		}
		Path tokenFile = daemon.getTokenFile();
		if (tokenFile == null) {
			return null;
		}
		try {
			List<String> lines = Files.readAllLines(tokenFile, StandardCharsets.UTF_8);
			String token = lines.isEmpty() ? "" : lines.get(0).trim();
			if (!token.isEmpty()) {
				return token;
			}
		}
		catch (IOException ex) {
			// reported below
		}
		throw new InvalidSessionsPropertyException("sessions.daemon.token-file", tokenFile,
				"must be a readable file whose first line is the daemon's token");
	}

}
