package dev.sessionstarter.autoconfigure;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import dev.sessionstarter.store.memoized.Coherence;

/**
 * The store and lock settings as the conditions of the store and lock manager configurations
 * read them, before {@link SessionsProperties} is bound: which store is selected, what a
 * memoized cache fronts, and whose configuration provides the native lock manager.
 *
 * @param store the store {@code sessions.store} selects
 * @param storeIsSet whether {@code sessions.store} is set
 * @param delegate what a memoized cache fronts ({@code sessions.memoized.delegate})
 * @param coherence the coherence of a memoized cache ({@code sessions.memoized.coherence})
 * @param lockManager the lock manager {@code sessions.lock.manager} selects
 */
record StoreSelection(StoreType store, boolean storeIsSet, MemoizedDelegate delegate, Coherence coherence,
		LockManagerType lockManager) {

	/**
	 * Bind the settings.
	 * @param environment the environment
	 * @return the settings
	 * @throws InvalidSessionsPropertyException if {@code sessions.store} has an unknown value
	 */
	static StoreSelection of(Environment environment) {
		Binder binder = Binder.get(environment);
		BindResult<StoreType> store = bind(environment, binder, "sessions.store", StoreType.class,
				"must be one of " + StoreType.names());
		return new StoreSelection(store.orElse(SessionsProperties.DEFAULT_STORE), store.isBound(),
				lenient(binder, "sessions.memoized.delegate", MemoizedDelegate.class,
						SessionsProperties.Memoized.DEFAULT_DELEGATE),
				lenient(binder, "sessions.memoized.coherence", Coherence.class,
						SessionsProperties.Memoized.DEFAULT_COHERENCE),
				lenient(binder, "sessions.lock.manager", LockManagerType.class,
						SessionsProperties.Lock.DEFAULT_MANAGER));
	}

	/**
	 * Return the store whose configuration provides the native lock manager: the selected
	 * store's own, except for a memoized cache in validate coherence in front of one of the
	 * stores, whose requests are locked as that store locks them (several processes may share
	 * its sessions).
	 * @return the store
	 */
	StoreType nativeLockStore() {
		if (this.store == StoreType.MEMOIZED && this.coherence == Coherence.VALIDATE && this.delegate.store() != null) {
			return this.delegate.store();
		}
		return this.store;
	}

	private static <T> BindResult<T> bind(Environment environment, Binder binder, String name, Class<T> type,
			String requirement) {
		try {
			return binder.bind(name, type);
		}
		catch (BindException ex) {
			throw new InvalidSessionsPropertyException(name, environment.getProperty(name), requirement);
		}
	}

	/**
	 * Bind a setting whose unknown value fails startup later, with the binding of
	 * {@link SessionsProperties}, and matches nothing here.
	 */
	private static <T> T lenient(Binder binder, String name, Class<T> type, T defaultValue) {
		try {
			return binder.bind(name, type).orElse(defaultValue);
		}
		catch (BindException ex) {
			return defaultValue;
		}
	}

}
