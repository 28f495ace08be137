package dev.sessionstarter.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

import dev.sessionstarter.daemon.protocol.DaemonAddress;

/**
 * The daemon's command line, parsed and checked. A bad argument is an
 * {@link IllegalArgumentException} whose message says what is wrong.
 */
final class DaemonOptions {

	static final String USAGE = """
			Usage: java -jar session-daemon.jar [options] <listen-on> [<storage-dir>]
			       java -jar session-daemon.jar --lock [options] <listen-on>

			Holds the sessions (or, with --lock, only the locks) of the applications on this host
			that set sessions.store=daemon (or sessions.lock.manager=daemon).

			  <listen-on>    a TCP port, bound on the loopback interface only (127.0.0.1), or the
			                 path of a UNIX domain socket, created readable and writable by its
			                 owner only; a relative path resolves from the working directory
			  <storage-dir>  a directory where sessions are saved, one file each, and loaded from
			                 on start, so a restart loses no session saved before a clean stop

			Options:
			  --lock                   serve locks only: no sessions, no storage directory
			  --max-size=<size>        most heap the sessions may take (default 64MB); least
			                           recently used sessions are evicted beyond it. Give the
			                           JVM a heap (-Xmx) of at least 1.5 times this plus
			                           --journal-size: 1.75 times this by default (112MB)
			  --reduce-to=<fraction>   what eviction brings the sessions down to, as a fraction of
			                           --max-size (default 0.75)
			  --purge-interval=<time>  time between the daemon's own purges of expired sessions
			                           (default 15m); applications purge more often
			                           (sessions.purge-interval, 6m) and publish the events;
			                           it removes sessions expired for at least this long
			  --journal-size=<size>    most heap the sessions the daemon removed on its own may
			                           take while they wait for an application to take them
			                           and publish their events, once (default a quarter of
			                           --max-size); beyond it the oldest are dropped unreported
			  --flush-interval=<time>  time between writes of changed sessions to the storage
			                           directory (default 1s); a clean stop writes them all
			  --lock-lease=<time>      longest a lock stays held without being released or its
			                           connection closing (default 60s)
			  --max-connections=<n>    most client connections at once (default 1024); one more
			                           takes the place of the one idle the longest, or, if all
			                           are busy or hold locks, is answered "Too many
			                           connections" and closed
			  --first-frame-timeout=<time>
			                           longest a new connection may stay silent before its first
			                           request (its token, with --token-file); it is closed
			                           after (default 5s)
			  --idle-timeout=<time>    longest a connection may stay idle between requests; it is
			                           closed after, unless it holds a lock whose lease runs
			                           longer (then at the lease's end). Clients reconnect by
			                           themselves (default 60s)
			  --frame-timeout=<time>   longest a client may take to send the rest of a frame it
			                           has started; it is disconnected after (default 30s)
			  --token-file=<path>      a file whose first line is a token every client must send
			                           before anything else
			  --help                   print this help and exit

			Sizes: 512KB, 64MB, 1GB. Times: 500ms, 30s, 5m, 1h.
			SIGTERM (or Ctrl-C) stops the daemon cleanly, writing every changed session first.
			""";

	private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

	boolean help;

	boolean lockOnly;

	@Nullable DaemonAddress listenOn;

	@Nullable Path storageDir;

	long maxBytes = DataSize.ofMegabytes(64).toBytes();

	double reduceTo = 0.75;

	private long journalBytes;

	Duration purgeInterval = Duration.ofMinutes(15);

	Duration flushInterval = Duration.ofSeconds(1);

	Duration lockLease = Duration.ofSeconds(60);

	int maxConnections = 1024;

	Duration frameTimeout = Duration.ofSeconds(30);

	Duration firstFrameTimeout = Duration.ofSeconds(5);

	Duration idleTimeout = Duration.ofSeconds(60);

	@Nullable String token;

	private DaemonOptions() {
	}

	/**
	 * Parse a command line.
	 * @param args the arguments
	 * @return the options
	 * @throws IllegalArgumentException if an argument is unknown, missing or bad
	 */
	static DaemonOptions parse(String... args) {
		DaemonOptions options = new DaemonOptions();
		List<String> positional = new ArrayList<>();
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (!arg.startsWith("--")) {
				positional.add(arg);
				continue;
			}
			if (arg.equals("--help")) {
				options.help = true;
				return options;
			}
			if (arg.equals("--lock")) {
				options.lockOnly = true;
				continue;
			}
			int equals = arg.indexOf('=');
			String name = (equals > 0) ? arg.substring(0, equals) : arg;
			String value;
			if (equals > 0) {
				value = arg.substring(equals + 1);
			}
			else if (i + 1 < args.length) {
				value = args[++i];
			}
			else {
				throw new IllegalArgumentException("Option " + name + " needs a value");
			}
			options.set(name, value);
		}
		if (positional.isEmpty()) {
			throw new IllegalArgumentException("Missing <listen-on>: a port or a socket path");
		}
		if (positional.size() > 2) {
			throw new IllegalArgumentException("Too many arguments: " + positional.subList(2, positional.size()));
		}
		options.listenOn = DaemonAddress.parse(positional.get(0));
		if (positional.size() == 2) {
			if (options.lockOnly) {
				throw new IllegalArgumentException(
						"A lock daemon (--lock) keeps no sessions and takes no <storage-dir>");
			}
			options.storageDir = Path.of(positional.get(1)).toAbsolutePath().normalize();
		}
		return options;
	}

	/**
	 * Return the most the journal of removed sessions may take: {@code --journal-size}, or a
	 * quarter of {@code --max-size}.
	 */
	long journalBytes() {
		return (this.journalBytes > 0) ? this.journalBytes : this.maxBytes / 4;
	}

	private void set(String name, String value) {
		switch (name) {
			case "--max-size" -> this.maxBytes = size(name, value);
			case "--reduce-to" -> this.reduceTo = fraction(name, value);
			case "--journal-size" -> this.journalBytes = size(name, value);
			case "--purge-interval" -> this.purgeInterval = duration(name, value);
			case "--flush-interval" -> this.flushInterval = duration(name, value);
			case "--lock-lease" -> this.lockLease = duration(name, value);
			case "--max-connections" -> this.maxConnections = positiveInt(name, value);
			case "--frame-timeout" -> this.frameTimeout = duration(name, value);
			case "--first-frame-timeout" -> this.firstFrameTimeout = duration(name, value);
			case "--idle-timeout" -> this.idleTimeout = duration(name, value);
			case "--token-file" -> this.token = readToken(Path.of(value));
			default -> throw new IllegalArgumentException("Unknown option " + name);
		}
	}

	private static long size(String name, String value) {
		try {
			long bytes = DataSize.parse(value).toBytes();
			if (bytes > 0) {
				return bytes;
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw new IllegalArgumentException(
				name + " must be a size greater than zero, such as 64MB, not '" + value + "'");
	}

	private static double fraction(String name, String value) {
		try {
			double fraction = Double.parseDouble(value);
			if (fraction > 0 && fraction <= 1) {
				return fraction;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(name + " must be greater than 0 and at most 1, not '" + value + "'");
	}

	static Duration duration(String name, String value) {
		Matcher matcher = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
		if (matcher.matches()) {
			long amount = Long.parseLong(matcher.group(1));
			Duration duration = switch (matcher.group(2)) {
				case "ms" -> Duration.ofMillis(amount);
				case "s" -> Duration.ofSeconds(amount);
				case "m" -> Duration.ofMinutes(amount);
				default -> Duration.ofHours(amount);
			};
			if (!duration.isZero()) {
				return duration;
			}
		}
		throw new IllegalArgumentException(name + " must be a time greater than zero, such as 500ms, 30s or 5m, not '"
				+ value + "'");
	}

	private static int positiveInt(String name, String value) {
		try {
			int number = Integer.parseInt(value);
			if (number > 0) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new IllegalArgumentException(name + " must be a whole number greater than zero, not '" + value + "'");
	}

	private static String readToken(Path file) {
		List<String> lines;
		try {
			lines = Files.readAllLines(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalArgumentException("Cannot read the token file " + file.toAbsolutePath() + ": " + ex);
		}
		String token = lines.isEmpty() ? "" : lines.get(0).trim();
		if (token.isEmpty()) {
			throw new IllegalArgumentException(
					"The token file " + file.toAbsolutePath() + " has no token on its first line");
		}
		return token;
	}

}
