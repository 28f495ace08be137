package dev.sessionstarter.actuate.health;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

import dev.sessionstarter.store.file.FileSessionStore;

/**
 * A {@link HealthIndicator} for the file store: up when its directory is a writable directory
 * and its lock file is the one its locks are taken in; down, with the reason, when the directory
 * was deleted (the store creates it again on its next write or purge), is not writable, or the
 * lock file was deleted or replaced. It reads the file system only: it lists no directory.
 */
public class FileSessionStoreHealthIndicator extends AbstractHealthIndicator {

	private final FileSessionStore store;

	/**
	 * Create an indicator.
	 * @param store the file store
	 */
	public FileSessionStoreHealthIndicator(FileSessionStore store) {
		super("Session file store health check failed");
		Assert.notNull(store, "'store' must not be null");
		this.store = store;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("directory", this.store.getDirectory().toString())
			.withDetail("format", this.store.getFormat().name().toLowerCase(java.util.Locale.ROOT));
		this.store.checkDirectory();
		builder.up().withDetail("quarantined", this.store.quarantined());
	}

}
