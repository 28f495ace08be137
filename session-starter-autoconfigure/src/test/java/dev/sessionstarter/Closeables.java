package dev.sessionstarter;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a test opened (stores, lock managers, clients), closed after each test in the reverse
 * order it was added: a field {@code @RegisterExtension final Closeables closeables = new Closeables();}.
 */
public final class Closeables implements AfterEachCallback {

	private final List<AutoCloseable> closeables = new ArrayList<>();

	/**
	 * Close this after the test, before what was added earlier.
	 * @param <T> its type
	 * @param closeable what to close
	 * @return {@code closeable}
	 */
	public <T extends AutoCloseable> T add(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.remove(i).close();
		}
	}

}
