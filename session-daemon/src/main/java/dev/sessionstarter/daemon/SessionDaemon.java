package dev.sessionstarter.daemon;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.daemon.protocol.DaemonAddress;
import dev.sessionstarter.store.memory.MemorySessionStore;

/**
 * The session daemon's entry point: {@code java -jar session-daemon.jar <listen-on> [<storage-dir>]}
 * or {@code java -jar session-daemon.jar --lock <listen-on>} (see {@link DaemonOptions#USAGE}).
 *
 * <p>It keeps the sessions in a {@link MemorySessionStore} (bounded in bytes, expired sessions
 * purged on a schedule), writes them to the storage directory behind the requests when it has
 * one and loads them from it on start, and serves them and the locks to every client through
 * one shared state. SIGTERM stops it cleanly: it stops accepting, closes the connections and
 * writes every changed session before it exits.
 */
public final class SessionDaemon {

	/**
	 * The longest a stop waits for a purge or flush in progress before it writes the sessions.
	 */
	private static final Duration STOP_WAIT = Duration.ofSeconds(10);

	/**
	 * How often the retained locks whose lease ended are released (a client that went away).
	 */
	private static final Duration RETAINED_EXPIRY_INTERVAL = Duration.ofSeconds(1);

	private final DaemonOptions options;

	private final @Nullable MemorySessionStore store;

	private final @Nullable SessionFiles files;

	private final DaemonServer server;

	private final Maintenance maintenance;

	private final RetainedLocks retained;

	private SessionDaemon(DaemonOptions options) throws IOException {
		this.options = options;
		this.store = options.lockOnly ? null
				: new MemorySessionStore(options.maxBytes, options.reduceTo, Clock.systemUTC());
		this.files = (this.store != null && options.storageDir != null)
				? new SessionFiles(options.storageDir, this.store) : null;
		LockTable locks = new LockTable(options.lockLease);
		RemovalJournal journal = (this.store != null) ? new RemovalJournal(options.journalBytes()) : null;
		this.retained = new RetainedLocks(locks);
		RequestHandler handler = new RequestHandler(this.store, journal, this.files, locks, this.retained);
		this.server = new DaemonServer(Objects.requireNonNull(options.listenOn), handler, locks, options);
		this.maintenance = new Maintenance(SessionDaemon::log, Duration.ofMinutes(1));
	}

	/**
	 * Run the daemon.
	 * @param args the command line
	 */
	public static void main(String[] args) {
		DaemonOptions options;
		try {
			options = DaemonOptions.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println("session-daemon: " + ex.getMessage());
			System.err.println("Run with --help for usage.");
			System.exit(2);
			return;
		}
		if (options.help) {
			System.out.print(DaemonOptions.USAGE);
			return;
		}
		try {
			SessionDaemon daemon = new SessionDaemon(options);
			daemon.start();
			daemon.server.serve();
		}
		catch (IOException | RuntimeException ex) {
			System.err.println("session-daemon: cannot start on " + options.listenOn + ": " + ex.getMessage());
			System.exit(1);
		}
	}

	private void start() throws IOException {
		int loaded = 0;
		if (this.files != null) {
			loaded = this.files.load(Instant.now());
		}
		this.server.bind();
		MemorySessionStore store = this.store;
		if (store != null) {
			// a fallback: it removes sessions expired for one of its intervals, so an application's
			// purge, which allows for its sessions.save-period, comes first
			long purge = this.options.purgeInterval.toMillis();
			this.maintenance.every("The purge of expired sessions", this.options.purgeInterval,
					() -> store.purgeExpired(Instant.now().minusMillis(purge)));
		}
		RetainedLocks retained = this.retained;
		this.maintenance.every("The expiry of retained locks", RETAINED_EXPIRY_INTERVAL, retained::expireEnded);
		SessionFiles files = this.files;
		if (files != null) {
			this.maintenance.every("The flush to " + files.dir(), this.options.flushInterval, files::flush);
		}
		Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "session-daemon-shutdown"));
		long heap = Runtime.getRuntime().maxMemory();
		long needed = this.options.maxBytes / 2 * 3 + this.options.journalBytes();
		if (store != null && heap != Long.MAX_VALUE && needed > heap) {
			log("WARN", "--max-size is " + this.options.maxBytes + " bytes and --journal-size "
					+ this.options.journalBytes() + " bytes but the heap may only grow to " + heap + " bytes; give"
					+ " the JVM a heap (-Xmx) of at least 1.5 times --max-size plus --journal-size (" + needed
					+ " bytes) so eviction runs before the heap is full");
		}
		DaemonAddress address = Objects.requireNonNull(this.options.listenOn);
		log("INFO", "session-daemon listening on " + address + " (pid " + ProcessHandle.current().pid() + ", "
				+ ((store != null) ? "sessions and locks, max-size " + this.options.maxBytes + " bytes" : "locks only")
				+ ((files != null) ? ", " + loaded + " sessions loaded from " + files.dir()
						+ ((files.quarantined() > 0)
								? ", " + files.quarantined() + " unreadable entries quarantined" : "")
						: "")
				+ ((this.options.token != null) ? ", token required" : "") + ")");
	}

	/**
	 * Stop on SIGTERM: stop accepting and close the connections (no request is answered after
	 * this, so every acknowledged change is in the store now), let a flush in progress finish
	 * its one pass (it is not interrupted), then write what is still dirty, once.
	 */
	private void stop() {
		this.server.stop();
		if (!this.maintenance.stop(STOP_WAIT)) {
			log("WARN", "A purge or flush still runs after " + STOP_WAIT.toSeconds() + "s; writing the sessions"
					+ " once it ends");
		}
		SessionFiles files = this.files;
		if (files != null) {
			int written = files.flushAndMarkClean();
			String unwritten = files.unwritten();
			log((unwritten != null) ? "ERROR" : "INFO", "session-daemon stopped; " + written
					+ " changed sessions written to " + files.dir() + ((unwritten != null) ? "; " + unwritten : ""));
		}
		else {
			log("INFO", "session-daemon stopped");
		}
	}

	static void log(String level, String message) {
		PrintStream out = System.err;
		out.println(Instant.now() + " " + level + " " + message);
	}

}
