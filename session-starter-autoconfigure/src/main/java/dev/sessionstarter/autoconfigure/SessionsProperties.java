package dev.sessionstarter.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;
import org.springframework.util.unit.DataSize;

import dev.sessionstarter.lock.LockTimeoutAction;
import dev.sessionstarter.store.file.FileFormat;
import dev.sessionstarter.store.memoized.Coherence;

/**
 * Configuration properties of the session store ({@code sessions.*}). The session timeout is
 * Spring Boot's own ({@code spring.session.timeout}, else {@code server.servlet.session.timeout}).
 * This class only holds the values; each configuration checks those it uses (a bad one stops
 * startup with an {@link InvalidSessionsPropertyException} naming it).
 */
@ConfigurationProperties("sessions")
public class SessionsProperties {

	static final StoreType DEFAULT_STORE = StoreType.MEMORY;

	private static final Duration DEFAULT_PURGE_INTERVAL = Duration.ofMinutes(6);

	private static final DataSize DEFAULT_MAX_SESSION_SIZE = DataSize.ofMegabytes(1);
	private static final Duration DEFAULT_SAVE_PERIOD = Duration.ofMinutes(1);

	/**
	 * Which store keeps sessions.
	 */
	private StoreType store = DEFAULT_STORE;

	/**
	 * Which attributes a save writes: those set ('on-set-attribute'), also those read
	 * ('on-get-attribute'), or all of them ('always').
	 */
	private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

	/**
	 * When changes are written: when the request ends ('on-save') or at once ('immediate').
	 */
	private FlushMode flushMode = FlushMode.ON_SAVE;

	/**
	 * Time between purges of expired sessions.
	 */
	private Duration purgeInterval = DEFAULT_PURGE_INTERVAL;

	/**
	 * How long a session's access time may go unwritten: a request that changed nothing but
	 * the access time reaches the store only when the stored one is at least this old. Applies
	 * to sessions whose timeout is at least ten periods; they may outlive their timeout by up
	 * to one period. Zero writes every request.
	 */
	private Duration savePeriod = DEFAULT_SAVE_PERIOD;

	/**
	 * How session attribute values are encoded: 'java' unless sessions.file.format is 'json',
	 * which implies 'json'.
	 */
	private @Nullable SerializerType serializer;

	/**
	 * Class name patterns that session attributes may hold beyond the JDK's value types and
	 * Spring Security's, in ObjectInputFilter syntax ('com.example.Cart', 'com.example.*' for a
	 * package, 'com.example.**' with its sub-packages). The application's own packages are
	 * always allowed.
	 */
	private List<String> allowedClasses = new ArrayList<>();

	/**
	 * Largest encoded size one session may take in any store (attribute names and values,
	 * encrypted when encryption is on); a save over it is refused with a 413 response and the
	 * session keeps its previous version.
	 */
	private DataSize maxSessionSize = DEFAULT_MAX_SESSION_SIZE;

	private final Encryption encryption = new Encryption();

	private final Memory memory = new Memory();

	private final Lock lock = new Lock();

	private final Daemon daemon = new Daemon();

	private final File file = new File();

	private final Memoized memoized = new Memoized();

	public StoreType getStore() {
		return this.store;
	}

	public void setStore(StoreType store) {
		this.store = store;
	}

	public SaveMode getSaveMode() {
		return this.saveMode;
	}

	public void setSaveMode(SaveMode saveMode) {
		this.saveMode = saveMode;
	}

	public FlushMode getFlushMode() {
		return this.flushMode;
	}

	public void setFlushMode(FlushMode flushMode) {
		this.flushMode = flushMode;
	}

	public Duration getPurgeInterval() {
		return this.purgeInterval;
	}

	public void setPurgeInterval(Duration purgeInterval) {
		this.purgeInterval = purgeInterval;
	}

	public Duration getSavePeriod() {
		return this.savePeriod;
	}

	public void setSavePeriod(Duration savePeriod) {
		this.savePeriod = savePeriod;
	}

	public @Nullable SerializerType getSerializer() {
		return this.serializer;
	}

	public void setSerializer(@Nullable SerializerType serializer) {
		this.serializer = serializer;
	}

	/**
	 * Return the serializer in effect: {@link #getSerializer() the one set}, else
	 * {@link SerializerType#JSON} when {@code sessions.file.format} is {@code json}, else
	 * {@link SerializerType#JAVA}.
	 * @return the serializer type
	 */
	public SerializerType resolveSerializer() {
		if (this.serializer != null) {
			return this.serializer;
		}
		return (this.file.getFormat() == FileFormat.JSON) ? SerializerType.JSON : SerializerType.JAVA;
	}

	public List<String> getAllowedClasses() {
		return this.allowedClasses;
	}

	public void setAllowedClasses(List<String> allowedClasses) {
		this.allowedClasses = allowedClasses;
	}

	public DataSize getMaxSessionSize() {
		return this.maxSessionSize;
	}

	public void setMaxSessionSize(DataSize maxSessionSize) {
		this.maxSessionSize = maxSessionSize;
	}

	public Encryption getEncryption() {
		return this.encryption;
	}

	public Memory getMemory() {
		return this.memory;
	}

	public Lock getLock() {
		return this.lock;
	}

	public Daemon getDaemon() {
		return this.daemon;
	}

	public File getFile() {
		return this.file;
	}

	public Memoized getMemoized() {
		return this.memoized;
	}


	/**
	 * Encryption at rest of what the stores keep ({@code sessions.encryption.*}).
	 */
	public static class Encryption {

		/**
		 * Base64-encoded AES key (16, 24 or 32 bytes) that encrypts every stored attribute value
		 * (AES-GCM, bound to its session id); unset means values are stored unencrypted.
		 */
		private @Nullable String key;

		/**
		 * Base64-encoded AES keys used before 'key': values they encrypted are still read, and
		 * written again under 'key'.
		 */
		private List<String> previousKeys = new ArrayList<>();

		public @Nullable String getKey() {
			return this.key;
		}

		public void setKey(@Nullable String key) {
			this.key = key;
		}

		public List<String> getPreviousKeys() {
			return this.previousKeys;
		}

		public void setPreviousKeys(List<String> previousKeys) {
			this.previousKeys = previousKeys;
		}

		@Override
		public String toString() {
			return "Encryption[key=" + ((this.key != null) ? "******" : "none") + ", previousKeys="
					+ this.previousKeys.size() + "]";
		}

	}

	/**
	 * Settings of the {@code memory} store.
	 */
	public static class Memory {

		/**
		 * Most heap the memory store may retain; every session's size is counted exactly.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(4);

		/**
		 * Fraction of max-size that eviction of least-recently-used sessions brings the store
		 * down to once it goes over max-size.
		 */
		private double reduceTo = 0.75;

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public double getReduceTo() {
			return this.reduceTo;
		}

		public void setReduceTo(double reduceTo) {
			this.reduceTo = reduceTo;
		}

	}

	/**
	 * Settings of the {@code memoized} store.
	 */
	public static class Memoized {

		static final MemoizedDelegate DEFAULT_DELEGATE = MemoizedDelegate.FILE;

		static final Coherence DEFAULT_COHERENCE = Coherence.VALIDATE;

		/**
		 * Store the cache writes through to and reloads from.
		 */
		private MemoizedDelegate delegate = DEFAULT_DELEGATE;

		/**
		 * Most sessions the cache holds; least recently used ones are dropped from the cache
		 * (not from the delegate) beyond it.
		 */
		private long maxSessions = 100_000;

		/**
		 * Most heap the cache may retain, counted exactly as for the memory store; least recently
		 * used sessions are dropped from the cache (not from the delegate) beyond it.
		 */
		private DataSize maxSize = DataSize.ofMegabytes(64);

		/**
		 * How cached copies stay true to the delegate: 'validate' checks the delegate's version
		 * of a session before each use of its copy (safe with several processes), 'exclusive'
		 * holds the delegate's lock on every cached session and trusts the copy (fastest; needs
		 * sticky sessions).
		 */
		private Coherence coherence = DEFAULT_COHERENCE;

		/**
		 * Longest wait for the delegate's lock when caching a session in exclusive coherence;
		 * if another process holds it, the session is served from the delegate, uncached.
		 */
		private Duration lockTimeout = Duration.ZERO;

		public MemoizedDelegate getDelegate() {
			return this.delegate;
		}

		public void setDelegate(MemoizedDelegate delegate) {
			this.delegate = delegate;
		}

		public long getMaxSessions() {
			return this.maxSessions;
		}

		public void setMaxSessions(long maxSessions) {
			this.maxSessions = maxSessions;
		}

		public DataSize getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(DataSize maxSize) {
			this.maxSize = maxSize;
		}

		public Coherence getCoherence() {
			return this.coherence;
		}

		public void setCoherence(Coherence coherence) {
			this.coherence = coherence;
		}

		public Duration getLockTimeout() {
			return this.lockTimeout;
		}

		public void setLockTimeout(Duration lockTimeout) {
			this.lockTimeout = lockTimeout;
		}

	}

	/**
	 * Settings of request locking, which makes the requests of one session run one at a time.
	 */
	public static class Lock {

		static final LockManagerType DEFAULT_MANAGER = LockManagerType.NATIVE;

		private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

		/**
		 * Which lock manager serializes the requests of a session: the store's own ('native'),
		 * in-process ('memory'), OS file locks in sessions.file.dir ('file'), the session
		 * daemon's ('daemon'), or none ('none').
		 */
		private LockManagerType manager = DEFAULT_MANAGER;

		/**
		 * Longest time a request waits for the lock of its session.
		 */
		private Duration timeout = DEFAULT_TIMEOUT;

		/**
		 * What happens to a request whose session lock could not be had in time: it is
		 * handled without the lock ('proceed') or answered 503 with Retry-After ('reject').
		 */
		private LockTimeoutAction onTimeout = LockTimeoutAction.PROCEED;

		public LockManagerType getManager() {
			return this.manager;
		}

		public void setManager(LockManagerType manager) {
			this.manager = manager;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public LockTimeoutAction getOnTimeout() {
			return this.onTimeout;
		}

		public void setOnTimeout(LockTimeoutAction onTimeout) {
			this.onTimeout = onTimeout;
		}

	}

	/**
	 * Settings of the {@code file} store.
	 */
	public static class File {

		/**
		 * Directory that holds one file per session; created, readable by its owner only, if
		 * it does not exist. Several application instances on one host may share it.
		 */
		private Path dir = Path.of("sessions");

		/**
		 * Format of the session files: 'binary' (compact, with a checksum) or 'json' (readable
		 * by a person; implies sessions.serializer=json).
		 */
		private FileFormat format = FileFormat.BINARY;

		/**
		 * Whether every write is forced to the disk before the save returns, so a power failure
		 * cannot lose a saved session. Slower; a process crash never loses one.
		 */
		private boolean fsync;

		public Path getDir() {
			return this.dir;
		}

		public void setDir(Path dir) {
			this.dir = dir;
		}

		public FileFormat getFormat() {
			return this.format;
		}

		public void setFormat(FileFormat format) {
			this.format = format;
		}

		public boolean isFsync() {
			return this.fsync;
		}

		public void setFsync(boolean fsync) {
			this.fsync = fsync;
		}

	}

	/**
	 * Settings of the {@code daemon} store and lock manager: how to reach the session daemon.
	 */
	public static class Daemon {

		/**
		 * Where the session daemon listens: a port on the loopback interface (such as 7070) or
		 * the path of its UNIX domain socket; a relative path resolves from the working directory.
		 */
		private String address = "7070";

		/**
		 * Longest one call to the daemon may take; a call that takes longer fails with a
		 * DaemonUnavailableException naming the daemon.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * Most connections to the daemon open at once for session operations.
		 */
		private int poolSize = 16;

		/**
		 * Token the daemon expects, when it was started with --token-file.
		 */
		private @Nullable String token;

		/**
		 * File whose first line is the token the daemon expects; used when 'token' is not set.
		 */
		private @Nullable Path tokenFile;

		/**
		 * Longest the daemon keeps a request lock whose holder neither releases it nor
		 * disconnects; zero for the daemon's own --lock-lease (60s by default). With the daemon
		 * store, a request that runs longer renews its lock (protocol version 7); otherwise it
		 * loses its exclusivity at the end of the lease.
		 */
		private Duration lockLease = Duration.ZERO;

		/**
		 * How long a save under a request lock keeps that lock in the daemon, so that the
		 * session's next request in this application takes it and the session without a call to
		 * the daemon; 0 to release every lock at the end of its request. Another application that
		 * wants the lock asks the holder to release it, and waits up to this long if the holder is
		 * frozen (a killed one's locks are released at once by a daemon of protocol version 7).
		 * At least 1s when set; a request longer than half of it keeps its lock by renewing it
		 * (protocol version 7). A daemon older than protocol version 6 retains nothing.
		 */
		private Duration lockRetain = Duration.ofSeconds(10);

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getPoolSize() {
			return this.poolSize;
		}

		public void setPoolSize(int poolSize) {
			this.poolSize = poolSize;
		}

		public @Nullable String getToken() {
			return this.token;
		}

		public void setToken(@Nullable String token) {
			this.token = token;
		}

		public @Nullable Path getTokenFile() {
			return this.tokenFile;
		}

		public void setTokenFile(@Nullable Path tokenFile) {
			this.tokenFile = tokenFile;
		}

		public Duration getLockLease() {
			return this.lockLease;
		}

		public void setLockLease(Duration lockLease) {
			this.lockLease = lockLease;
		}

		public Duration getLockRetain() {
			return this.lockRetain;
		}

		public void setLockRetain(Duration lockRetain) {
			this.lockRetain = lockRetain;
		}

	}

}
