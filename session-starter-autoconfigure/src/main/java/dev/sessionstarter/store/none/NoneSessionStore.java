package dev.sessionstarter.store.none;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.sessionstarter.store.RemovalListener;
import dev.sessionstarter.store.SessionChange;
import dev.sessionstarter.store.SessionRecord;
import dev.sessionstarter.store.SessionStore;
import dev.sessionstarter.store.StoreUsage;

/**
 * A {@link SessionStore} that keeps nothing: a session lives for the request that created it,
 * and every later request starts a new one. For tests, and for applications that must not keep
 * server-side state.
 */
public enum NoneSessionStore implements SessionStore {

	/**
	 * The store.
	 */
	INSTANCE;

	@Override
	public String type() {
		return "none";
	}

	@Override
	public boolean isNonBlocking() {
		return true;
	}

	@Override
	public @Nullable SessionRecord find(String id) {
		return null;
	}

	@Override
	public @Nullable SessionRecord save(SessionChange change) {
		return change.isCreate() ? SessionRecord.apply(null, change) : null;
	}

	@Override
	public @Nullable SessionRecord delete(String id) {
		return null;
	}

	@Override
	public boolean deleteIfExpired(String id, Instant now) {
		return false;
	}

	@Override
	public Collection<SessionRecord> findByPrincipalName(String principalName) {
		return List.of();
	}

	@Override
	public int purgeExpired(Instant now) {
		return 0;
	}

	@Override
	public StoreUsage usage() {
		return StoreUsage.EMPTY;
	}

	@Override
	public void setRemovalListener(RemovalListener listener) {
	}

}
