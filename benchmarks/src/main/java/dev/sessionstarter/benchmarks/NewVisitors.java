package dev.sessionstarter.benchmarks;

import java.util.Map;

/**
 * The new-visitor workload of one thread: each {@link #visit(RepositoryAdapter)} creates and saves
 * a session of the {@link SessionShape#MEDIUM} shape and deletes the session this thread created
 * {@link #WINDOW} visits earlier, so a repository stays between its initial size and that plus
 * {@link #WINDOW} sessions per thread instead of growing without bound. One visit is therefore a
 * create, a save and (once the window is full) a delete. The attribute values come from a pool
 * made up front, so the workload does not measure building them.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public class NewVisitors {

	/** How many sessions a thread keeps before deleting its oldest. */
	public static final int WINDOW = 1024;

	private final Map<String, Object>[] attributes;

	private final String[] ids = new String[WINDOW];

	private int next;

	/**
	 * Create the workload, its visitors numbered from {@code firstVisitor}.
	 * @param firstVisitor the visitor number of the first pooled session (above those the
	 * repository was filled with, so values differ from theirs)
	 */
	@SuppressWarnings("unchecked")
	public NewVisitors(int firstVisitor) {
		this.attributes = new Map[WINDOW];
		for (int i = 0; i < WINDOW; i++) {
			int visitor = firstVisitor + i;
			this.attributes[i] = SessionShape.MEDIUM.attributes(visitor, visitor % 3 == 0);
		}
	}

	/**
	 * One new visitor: create and save a session, delete the oldest one this workload still holds.
	 * @param repository the repository
	 * @return the new session's id
	 */
	public final String visit(RepositoryAdapter<?> repository) {
		String id = repository.createAndSave(this.attributes[this.next]);
		String oldest = this.ids[this.next];
		this.ids[this.next] = id;
		this.next = (this.next + 1) % WINDOW;
		if (oldest != null) {
			repository.delete(oldest);
		}
		return id;
	}

	/**
	 * Delete every session this workload created and still holds, so the repository is left as
	 * it was found.
	 * @param repository the repository
	 */
	public final void deleteAll(RepositoryAdapter<?> repository) {
		for (int i = 0; i < WINDOW; i++) {
			if (this.ids[i] != null) {
				repository.delete(this.ids[i]);
				this.ids[i] = null;
			}
		}
	}

}
